/** `run --resume` alone finds the unfinished run, or lists them when there are several. */
import assert from "node:assert/strict";
import { resolveRunSettings } from "../lib/app/settings/resolve.ts";
import { newJournal } from "../lib/app/journal/journal.ts";
import { journalText } from "../lib/app/journal/store.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { fakeIo } from "./_io.ts";

const dir = "/state/tamr-refresh";
const journalFor = (
  dataProduct: string,
  baseUrl: string,
  finished: boolean,
  outcome: "succeeded" | "interrupted" = "succeeded",
) => {
  const j = newJournal(
    buildPlan({ sources: ["s1"], dataProduct }),
    { tenant: "acme", baseUrl },
    "2026-12-01T10:00:00.000Z",
  );
  return journalText({ ...j, finished, ...(finished ? { outcome } : {}) });
};
const env = { XDG_STATE_HOME: "/state" };

Deno.test("run --resume alone continues the one unfinished run in the state folder", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9001--dp1.json`, journalFor("dp1", "http://127.0.0.1:9001", false)],
    [`${dir}/127.0.0.1_9002--dp2.json`, journalFor("dp2", "http://127.0.0.1:9002", true)],
    [`${dir}/127.0.0.1_9001--dp1.json.lock`, "pid 1"],
  ]);
  const { settings, journal } = await resolveRunSettings({ resume: true }, fakeIo(files, { env }));
  assert.equal(journal?.path, `${dir}/127.0.0.1_9001--dp1.json`);
  assert.equal(settings.baseUrl, "http://127.0.0.1:9001");
  assert.equal(settings.dataProduct, "dp1");
  assert.deepEqual(settings.sources, ["s1"]);
});

Deno.test("run --resume alone lists the runs to continue when there are several", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9001--dp1.json`, journalFor("dp1", "http://127.0.0.1:9001", false)],
    [
      `${dir}/127.0.0.1_9002--dp2.json`,
      journalFor("dp2", "http://127.0.0.1:9002", true, "interrupted"),
    ],
  ]);
  await assert.rejects(
    () => resolveRunSettings({ resume: true }, fakeIo(files, { env })),
    (e: unknown) =>
      e instanceof UsageError && /There are 2 runs to continue/.test(e.message) &&
      e.message.includes(`--state ${dir}/127.0.0.1_9001--dp1.json`) &&
      e.message.includes(`--state ${dir}/127.0.0.1_9002--dp2.json`),
  );
});

Deno.test("run --resume alone with no unfinished run says so, not 'No tenant given'", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9002--dp2.json`, journalFor("dp2", "http://127.0.0.1:9002", true)],
  ]);
  await assert.rejects(
    () => resolveRunSettings({ resume: true }, fakeIo(files, { env })),
    (e: unknown) => e instanceof UsageError && /no unfinished run to resume in/.test(e.message),
  );
});
