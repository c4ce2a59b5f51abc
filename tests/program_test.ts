import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { fakeIo } from "./_io.ts";

Deno.test("a mistyped command is named as an unknown command, with the nearest one", async () => {
  const io = fakeIo(new Map());
  await assert.rejects(
    () => cli(["demoo"], io),
    (e: unknown) =>
      e instanceof UsageError && /Unknown command "demoo"; did you mean "demo"\?/.test(e.message),
  );
  await assert.rejects(() => cli(["jbos", "list"], io), /did you mean "jobs"/);
  await assert.rejects(
    () => cli(["frobnicate"], io),
    (e: unknown) => e instanceof UsageError && !/did you mean/.test(e.message),
  );
});

/** A dry run of a one-source plan against a tenant that is never reached. */
const DRY_RUN = [
  "run",
  "--base-url",
  "http://127.0.0.1:9",
  "--source",
  "s1",
  "--data-product",
  "dp",
  "--dry-run",
];

Deno.test("--dry-run --output json prints one plan object with its time and version", async () => {
  let out = "";
  const io = fakeIo(new Map(), { out: (s) => void (out += s) });
  const code = await cli([...DRY_RUN, "--output", "json"], io);
  assert.equal(code, 0);
  const plan = JSON.parse(out);
  assert.equal(plan.type, "plan");
  assert.equal(plan.version, 1);
  assert.ok(Number.isFinite(Date.parse(plan.time)), plan.time);
  assert.deepEqual(plan.steps.map((s: { step: string }) => s.step), ["load:s1", "update:dp"]);
});

Deno.test("--dry-run refuses a --notify URL the real run would refuse", async () => {
  const io = fakeIo(new Map());
  await assert.rejects(
    () => cli([...DRY_RUN, "--notify", "http://hooks.example.com/x"], io),
    (e: unknown) => e instanceof UsageError && /--notify/.test(e.message),
  );
});

Deno.test("an unreachable tenant exits 4 after retries, saying to check --base-url; nothing to resume", async () => {
  const { VirtualClock } = await import("../lib/sim/virtual_clock.ts");
  const clock = new VirtualClock();
  let out = "";
  let attempts = 0;
  // Connection refused, as from a closed port: the request never reached a server.
  const refused: typeof fetch = () => {
    attempts++;
    return Promise.reject(
      new TypeError("error trying to connect: Connection refused (os error 111)"),
    );
  };
  const io = fakeIo(new Map(), {
    env: { TAMR_API_KEY: "k3y_for_test", XDG_STATE_HOME: "/state" },
    out: (s) => void (out += s),
    fetch: refused,
    createFetch: refused,
    clock,
  });
  const code = await clock.run(() =>
    cli(["run", "--base-url", "http://127.0.0.1:9", "--source", "s", "--data-product", "d"], io)
  );
  assert.equal(code, 4, out);
  assert.ok(attempts > 1, "retried");
  assert.match(out, /got no answer/);
  assert.match(out, /Check --base-url \(or TAMR_BASE_URL\)/);
  assert.doesNotMatch(out, /--resume/, "nothing was created, so there is nothing to resume");
  assert.doesNotMatch(out, /load:s +- +failed/, "not a step failure");
});
