import assert from "node:assert/strict";
import {
  archivePathFor,
  defaultJournalPath,
  expectedDurations,
  journalFileName,
  journalReduce,
  newJournal,
  parseJournal,
  priorSteps,
} from "../lib/app/journal/journal.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { StepEvent } from "../lib/kit/run/events.ts";
import { UsageError } from "../lib/kit/errors.ts";

const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
const step = (
  step: string,
  state: StepEvent["state"],
  time: string,
  jobId?: string,
): StepEvent => ({
  type: "step",
  time,
  step,
  kind: "load",
  target: step.slice(5),
  state,
  ...(jobId ? { jobId } : {}),
});

Deno.test("journalReduce() records job ids and outcomes, and ignores what does not matter", () => {
  let j = newJournal(plan, { tenant: "t", baseUrl: "http://127.0.0.1:1" }, "2026-01-01T00:00:00Z");
  j = journalReduce(j, step("load:s1", "creating", "2026-01-01T00:00:00Z"));
  j = journalReduce(j, step("load:s1", "running", "2026-01-01T00:00:01Z", "job_1"));
  const same = journalReduce(j, step("load:s1", "running", "2026-01-01T00:00:02Z", "job_1"));
  assert.equal(same, j, "a poll that changes nothing does not rewrite the journal");
  j = journalReduce(j, step("load:s1", "succeeded", "2026-01-01T00:00:11Z", "job_1"));
  j = journalReduce(j, step("load:s2", "creating", "2026-01-01T00:00:00Z"));
  j = journalReduce(j, step("load:s2", "running", "2026-01-01T00:00:01Z", "job_2"));
  assert.deepEqual(priorSteps(j).get("load:s1"), {
    jobId: "job_1",
    outcome: "succeeded",
    startedAt: "2026-01-01T00:00:00Z",
    endedAt: "2026-01-01T00:00:11Z",
  });
  assert.equal(priorSteps(j).get("load:s2")?.jobId, "job_2");
  assert.equal(priorSteps(j).get("load:s2")?.outcome, undefined);
  assert.deepEqual(expectedDurations(j).get("load:s1")?.medianMs, 11_000);
  assert.ok(!JSON.stringify(j).toLowerCase().includes("apikey"));
});

Deno.test("a step run again after a failure forgets its old job", () => {
  let j = newJournal(plan, { tenant: "t", baseUrl: "u" }, "2026-01-01T00:00:00Z");
  j = journalReduce(j, step("load:s1", "creating", "2026-01-01T00:00:00Z"));
  j = journalReduce(j, step("load:s1", "failed", "2026-01-01T00:00:05Z", "job_1"));
  j = journalReduce(j, step("load:s1", "creating", "2026-01-01T00:01:00Z"));
  assert.equal(j.steps["load:s1"]!.jobId, undefined);
  assert.equal(j.steps["load:s1"]!.outcome, undefined);
});

Deno.test("parseJournal() refuses a damaged or foreign file with a clear message", () => {
  assert.throws(() => parseJournal("{", "j.json"), UsageError);
  assert.throws(() => parseJournal('{"version":2}', "j.json"), /not a tamr-refresh journal/);
  const j = newJournal(plan, { tenant: "t", baseUrl: "u" }, "2026-01-01T00:00:00Z");
  assert.deepEqual(parseJournal(JSON.stringify(j), "j.json"), j);
});

Deno.test("parseJournal() names the field that is wrong and what it holds", async (t) => {
  const good = newJournal(plan, { tenant: "t", baseUrl: "u" }, "2026-01-01T00:00:00Z", {}, {
    concurrency: 2,
    pollIntervalMs: 5_000,
    timeoutMs: 600_000,
    requestTimeoutMs: 9_000,
  });
  // A journal as plain JSON, to damage freely.
  // deno-lint-ignore no-explicit-any
  type Json = any;
  type Damage = (j: Json) => unknown;
  const table: [string, Damage, string][] = [
    ["not an object", () => [], "the file must be a JSON object, got []"],
    ["no version", (j) => delete j.version, `"version" is missing`],
    ["another version", (j) => (j.version = 2), `"version" must be 1, got 2`],
    ["a tenant that is no string", (j) => (j.tenant = 5), `"tenant" must be a string, got 5`],
    [
      "a start that is no time",
      (j) => (j.startedAt = "soon"),
      `"startedAt" must be a time, got "soon"`,
    ],
    [
      "finished as a word",
      (j) => (j.finished = "yes"),
      `"finished" must be true or false, got "yes"`,
    ],
    [
      "a step of an unknown kind",
      (j) => (j.plan.steps[0].kind = "drop"),
      `"plan.steps[0].kind" must be one of load, update, index, publish, got "drop"`,
    ],
    [
      "a step whose id is not its kind and target",
      (j) => (j.plan.steps[1].id = "load:zz"),
      `"plan.steps[1].id" must be "load:s2", got "load:zz"`,
    ],
    [
      "a step whose configuration is another step's",
      (j) => (j.plan.steps[0].configuration = { load: { sourceId: "s2" } }),
      `"plan.steps[0].configuration" must be the job configuration of load:s1, got {"load":{"sourceId":"s2"}}`,
    ],
    [
      "a job id that is a number",
      (j) => (j.steps["load:s1"] = { jobId: 7 }),
      `"steps.load:s1.jobId" must be a non-empty string, got 7`,
    ],
    [
      "an unknown step outcome",
      (j) => (j.steps["load:s1"] = { outcome: "done" }),
      `"steps.load:s1.outcome" must be a step outcome, got "done"`,
    ],
    [
      "a duration that is a word",
      (j) => (j.history = { "load:s1": ["x"] }),
      `"history.load:s1[0]" must be a duration in milliseconds, got "x"`,
    ],
    [
      "a concurrency of 0",
      (j) => (j.settings.concurrency = 0),
      `"settings.concurrency" must be a whole number from 1 to 50, got 0`,
    ],
    ["no timeout", (j) => delete j.settings.timeoutMs, `"settings.timeoutMs" is missing`],
    [
      "a plan that is not the fingerprint's",
      (j) => (j.fingerprint = "load:s9<>"),
      `"fingerprint" does not match its plan`,
    ],
  ];
  for (const [name, damage, problem] of table) {
    await t.step(name, () => {
      const j: Json = structuredClone(good);
      const replaced = damage(j);
      const text = JSON.stringify(Array.isArray(replaced) ? replaced : j);
      assert.throws(() => parseJournal(text, "/state/j.json"), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(
          e.message,
          `The run journal /state/j.json is not a tamr-refresh journal (version 1): ${problem}`,
        );
        assert.match(e.hint ?? "", /Remove it to start afresh, or pass another --state file/);
        return true;
      });
    });
  }
});

Deno.test("parseJournal() keeps fields it does not know and fills in a missing history", () => {
  const j = newJournal(plan, { tenant: "t", baseUrl: "u" }, "2026-01-01T00:00:00Z");
  const { history: _, ...without } = { ...j, runId: "r1" };
  const parsed = parseJournal(JSON.stringify(without), "j.json");
  assert.deepEqual(parsed.history, {});
  assert.equal((parsed as unknown as { runId: string }).runId, "r1");
});

Deno.test("defaultJournalPath() follows XDG_STATE_HOME, then HOME, and names host, port and data product", () => {
  assert.equal(
    defaultJournalPath({ XDG_STATE_HOME: "/s" }, "https://acme.tamr.cloud", "dp_1"),
    "/s/tamr-refresh/acme.tamr.cloud_443--dp_1.json",
  );
  assert.equal(
    defaultJournalPath({ HOME: "/h" }, "https://acme.tamr.cloud", "dp"),
    "/h/.local/state/tamr-refresh/acme.tamr.cloud_443--dp.json",
  );
  assert.equal(
    defaultJournalPath({}, "https://acme.tamr.cloud", "dp"),
    ".tamr-refresh/acme.tamr.cloud_443--dp.json",
  );
});

Deno.test("two tenants on one host (two ports) get two default journals", () => {
  const a = defaultJournalPath({ HOME: "/h" }, "http://127.0.0.1:8081", "dp");
  const b = defaultJournalPath({ HOME: "/h" }, "http://127.0.0.1:8082", "dp");
  assert.equal(a, "/h/.local/state/tamr-refresh/127.0.0.1_8081--dp.json");
  assert.equal(b, "/h/.local/state/tamr-refresh/127.0.0.1_8082--dp.json");
  assert.equal(journalFileName("http://127.0.0.1", "dp"), "127.0.0.1_80--dp.json");
  assert.equal(
    journalFileName("https://acme.tamr.cloud:443", "dp"),
    journalFileName("https://acme.tamr.cloud", "dp"),
    "the scheme's port, given or not, is the same tenant",
  );
  assert.notEqual(
    journalFileName("https://h.example/t1", "dp"),
    journalFileName("https://h.example/t2", "dp"),
    "two tenants behind one host and port, at two paths",
  );
});

Deno.test("journalFileName() keeps names safe and short, and ids that look alike apart", () => {
  const slash = journalFileName("https://acme.tamr.cloud", "dp/1");
  const underscore = journalFileName("https://acme.tamr.cloud", "dp_1");
  assert.match(slash, /^acme\.tamr\.cloud_443--dp_1-[0-9a-f]{8}\.json$/);
  assert.equal(underscore, "acme.tamr.cloud_443--dp_1.json");
  assert.match(journalFileName("http://[::1]:9000", "dp"), /^__1_9000--dp-[0-9a-f]{8}\.json$/);

  const long = journalFileName(
    `https://${"a".repeat(60)}.${"b".repeat(60)}.example`,
    "x".repeat(5000),
  );
  assert.ok(long.length <= 220, `${long.length} characters`);
  assert.match(long, /^[A-Za-z0-9._-]+$/);
  assert.notEqual(
    long,
    journalFileName(`https://${"a".repeat(60)}.${"b".repeat(60)}.example`, "x".repeat(4999)),
    "two long ids that share their start",
  );
  for (const id of ["../../etc/passwd", "a\u0000b", "é".repeat(300), " "]) {
    const name = journalFileName("https://acme.tamr.cloud", id);
    assert.match(name, /^[A-Za-z0-9._-]+$/, JSON.stringify(id));
    assert.ok(!name.includes("/") && name.length <= 220);
  }
});

Deno.test("archivePathFor() names the kept journal by its run's start", () => {
  assert.equal(
    archivePathFor("/s/j.json", "2026-01-02T03:04:05.678Z"),
    "/s/j.2026-01-02T03-04-05Z.json",
  );
  assert.equal(
    archivePathFor("/s/j", "2026-01-02T03:04:05.678Z", 2),
    "/s/j.2026-01-02T03-04-05Z-2",
  );
});
