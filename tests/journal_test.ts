import assert from "node:assert/strict";
import {
  defaultJournalPath,
  expectedDurations,
  journalReduce,
  newJournal,
  parseJournal,
  priorSteps,
} from "../lib/app/journal/journal.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { StepEvent } from "../lib/kit/run/events.ts";
import { UsageError } from "../lib/kit/errors.ts";
import type { RunFlags } from "../lib/app/settings/config.ts";

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
  assert.deepEqual(expectedDurations(j).get("load:s1"), 11_000);
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

Deno.test("defaultJournalPath() follows XDG_STATE_HOME, then HOME, and makes ids safe", () => {
  assert.equal(
    defaultJournalPath({ XDG_STATE_HOME: "/s" }, "acme", "dp/1"),
    "/s/tamr-refresh/acme--dp_1.json",
  );
  assert.equal(
    defaultJournalPath({ HOME: "/h" }, "acme", "dp"),
    "/h/.local/state/tamr-refresh/acme--dp.json",
  );
  assert.equal(defaultJournalPath({}, "acme", "dp"), ".tamr-refresh/acme--dp.json");
});

Deno.test("--resume --state FILE alone takes the plan and the pacing from the journal", async () => {
  const { flagsFromJournal } = await import("../lib/app/journal/setup.ts");
  const j = newJournal(
    plan,
    { tenant: "acme", baseUrl: "https://acme.tamr.cloud" },
    "2026-01-01T00:00:00Z",
    {},
    {
      concurrency: 2,
      pollIntervalMs: 5_000,
      timeoutMs: 600_000,
      requestTimeoutMs: 9_000,
    },
  );
  const files: Record<string, string> = { "j.json": JSON.stringify(j) };
  const io = {
    exists: (p: string) => Promise.resolve(p in files),
    readTextFile: (p: string) => Promise.resolve(files[p]!),
  };
  const given: RunFlags & { resume: boolean; state: string } = {
    resume: true,
    state: "j.json",
    timeout: "1h",
  };
  const flags = await flagsFromJournal(given, io);
  assert.deepEqual(flags.source, ["s1", "s2"]);
  assert.equal(flags.dataProduct, "dp");
  assert.equal(flags.tenant, "acme");
  assert.equal(flags.concurrency, "2");
  assert.equal(flags.pollInterval, "5000ms");
  assert.equal(flags.timeout, "1h", "a flag given again wins over the journal");
  assert.equal(flags.requestTimeout, "9000ms");
  assert.deepEqual(parseJournal(JSON.stringify(j), "j.json").settings, j.settings);
});
