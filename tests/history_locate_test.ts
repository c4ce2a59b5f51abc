/** `history` and `report` find a plan's history from the same flags as `run`, without a key. */
import assert from "node:assert/strict";
import { UsageError } from "../lib/kit/errors.ts";
import { locatePlan } from "../lib/app/history/locate.ts";
import { memoryIo } from "./_io.ts";

const env = { XDG_STATE_HOME: "/state" };

Deno.test("locatePlan() takes --state as the journal and puts the history beside it", async () => {
  const found = await locatePlan({ state: "/runs/nightly.json" }, memoryIo({}, env));
  assert.deepEqual(found, {
    journalPath: "/runs/nightly.json",
    historyPath: "/runs/nightly.history.jsonl",
  });
});

Deno.test("locatePlan() finds the default journal from the tenant and data product flags", async () => {
  const found = await locatePlan({ tenant: "acme", dataProduct: "dp_1" }, memoryIo({}, env));
  assert.equal(found.journalPath, "/state/tamr-refresh/acme.tamr.cloud_443--dp_1.json");
  assert.equal(found.historyPath, "/state/tamr-refresh/acme.tamr.cloud_443--dp_1.history.jsonl");
  assert.equal(found.tenant, "acme");
  assert.equal(found.dataProduct, "dp_1");
});

Deno.test("locatePlan() reads the tenant from the environment and the plan from the config file", async () => {
  const io = memoryIo(
    { "plan.json": JSON.stringify({ sources: ["s1"], dataProduct: "dp_2" }) },
    { ...env, TAMR_BASE_URL: "http://127.0.0.1:8080" },
  );
  const found = await locatePlan({ config: "plan.json" }, io);
  assert.equal(found.historyPath, "/state/tamr-refresh/127.0.0.1_8080--dp_2.history.jsonl");
});

Deno.test("locatePlan() needs no API key", async () => {
  const found = await locatePlan(
    { tenant: "acme", dataProduct: "dp" },
    memoryIo({}, { ...env, TAMR_API_KEY: undefined }),
  );
  assert.equal(found.tenant, "acme");
});

Deno.test("locatePlan() without a tenant names the ways to give one", async () => {
  await assert.rejects(
    () => locatePlan({ dataProduct: "dp" }, memoryIo({}, env)),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /No tenant given/);
      assert.match(e.hint ?? "", /--tenant NAME.*TAMR_TENANT.*--state FILE/);
      return true;
    },
  );
});

Deno.test("locatePlan() without a data product names the ways to give one", async () => {
  await assert.rejects(
    () => locatePlan({ tenant: "acme" }, memoryIo({}, env)),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /No data product given/);
      assert.match(e.hint ?? "", /--data-product ID.*--state FILE/);
      return true;
    },
  );
});

Deno.test("locatePlan() checks the tenant as run does", async () => {
  await assert.rejects(
    () => locatePlan({ tenant: "Not A Label", dataProduct: "dp" }, memoryIo({}, env)),
    UsageError,
  );
});
