/** `run --resume` alone finds the unfinished run, or lists them when there are several. */
import assert from "node:assert/strict";
import { resolveRunSettings } from "../lib/app/settings/resolve.ts";
import { newJournal } from "../lib/app/journal/journal.ts";
import { journalText } from "../lib/app/journal/store.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { fakeIo } from "./_io.ts";
import { childEnv, runCli } from "./_cli.ts";

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

Deno.test("run --resume alone with TAMR_BASE_URL set finds the unfinished run on that tenant", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9001--dp1.json`, journalFor("dp1", "http://127.0.0.1:9001", false)],
    [`${dir}/127.0.0.1_9002--dp2.json`, journalFor("dp2", "http://127.0.0.1:9002", false)],
  ]);
  const io = fakeIo(files, { env: { ...env, TAMR_BASE_URL: "http://127.0.0.1:9002" } });
  const { settings, journal } = await resolveRunSettings({ resume: true }, io);
  assert.equal(journal?.path, `${dir}/127.0.0.1_9002--dp2.json`);
  assert.equal(settings.baseUrl, "http://127.0.0.1:9002");
  assert.equal(settings.dataProduct, "dp2");
  assert.deepEqual(settings.sources, ["s1"]);
});

Deno.test("run --resume alone with TAMR_BASE_URL naming another tenant says so, not 'No source given'", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9001--dp1.json`, journalFor("dp1", "http://127.0.0.1:9001", false)],
  ]);
  const io = fakeIo(files, { env: { ...env, TAMR_BASE_URL: "http://127.0.0.1:9009" } });
  await assert.rejects(
    () => resolveRunSettings({ resume: true }, io),
    (e: unknown) =>
      e instanceof UsageError &&
      /no unfinished run on http:\/\/127\.0\.0\.1:9009 to resume/.test(e.message) &&
      e.message.includes(`--state ${dir}/127.0.0.1_9001--dp1.json`) &&
      /TAMR_BASE_URL/.test(e.hint ?? ""),
  );
});

Deno.test("the CLI: `run --resume` alone with TAMR_BASE_URL exported resumes the run in the state folder", async () => {
  const home = await Deno.makeTempDir();
  try {
    const folder = `${home}/tamr-refresh`;
    await Deno.mkdir(folder);
    const baseUrl = "http://127.0.0.1:9001";
    await Deno.writeTextFile(
      `${folder}/127.0.0.1_9001--dp1.json`,
      journalFor("dp1", baseUrl, false),
    );
    const result = await runCli(
      ["run", "--resume", "--dry-run", "--headless"],
      childEnv({ XDG_STATE_HOME: home, TAMR_BASE_URL: baseUrl }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /dp1/);
    assert.doesNotMatch(result.stderr, /No source given/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("run --resume --base-url URL --data-product ID takes the rest of the plan from the journal those name", async () => {
  const files = new Map([
    [`${dir}/127.0.0.1_9002--dp2.json`, journalFor("dp2", "http://127.0.0.1:9002", false)],
  ]);
  const io = fakeIo(files, { env });
  const flags = { resume: true, baseUrl: "http://127.0.0.1:9002", dataProduct: "dp2" };
  const { settings, journal } = await resolveRunSettings(flags, io);
  assert.equal(journal?.path, `${dir}/127.0.0.1_9002--dp2.json`);
  assert.deepEqual(settings.sources, ["s1"]);
  assert.equal(settings.dataProduct, "dp2");
  // Another part of a plan given: the journal's plan is not mixed in (the run then says they differ).
  const mixed = await resolveRunSettings({ ...flags, source: ["s9"] }, io);
  assert.deepEqual(mixed.settings.sources, ["s9"]);
});
