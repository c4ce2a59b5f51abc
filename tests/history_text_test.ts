/**
 * The history file kept with an in-memory Io, and `history`'s text and JSON from records: runs
 * newest first, trends per step, 80 columns, one record per run id.
 */
import assert from "node:assert/strict";
import { expectationsOf, stepDurations } from "../lib/app/history/expectations.ts";
import { historyJson } from "../lib/app/outputs/history_json.ts";
import { HISTORY_WIDTH, historyText } from "../lib/app/outputs/history_text.ts";
import type { RunRecord } from "../lib/app/history/record.ts";
import { appendRun, HISTORY_LIMIT, readHistory } from "../lib/app/history/store.ts";
import { sparkline } from "../lib/app/history/trends.ts";
import type { TimelineEntry } from "../lib/kit/run/timeline.ts";
import { fakeIo } from "./_io.ts";

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const HOUR = 3_600_000;

/** A step on a record's timeline: waited `waitMs`, ran `runMs`. */
function entry(step: string, waitMs: number, runMs: number, outcome = "succeeded"): TimelineEntry {
  const [kind, target] = step.split(":") as [TimelineEntry["kind"], string];
  return {
    step,
    kind,
    target,
    jobId: `job_${step}`,
    outcome: outcome as TimelineEntry["outcome"],
    createdAt: new Date(T0).toISOString(),
    runningAt: new Date(T0 + waitMs).toISOString(),
    endedAt: new Date(T0 + waitMs + runMs).toISOString(),
    waitMs,
    runMs,
    reason: outcome === "succeeded" ? null : "PLANNING_FAILED",
  };
}

/** The record of a run `n` days after T0. */
function record(n: number, timeline: TimelineEntry[], outcome = "succeeded"): RunRecord {
  const start = T0 + n * 24 * HOUR;
  return {
    version: 1,
    runId: `run${n}`,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp_customers",
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + HOUR).toISOString(),
    outcome: outcome as RunRecord["outcome"],
    durationMs: 33 * 60_000 + n * 1000,
    concurrency: 4,
    timeline,
  };
}

Deno.test("appendRun() adds a run, and replaces the one with its run id (a resumed run)", async () => {
  const files = new Map<string, string>();
  const io = fakeIo(files);
  await appendRun("h.jsonl", record(1, [entry("load:s1", 0, 1000)], "interrupted"), io);
  await appendRun("h.jsonl", record(2, [entry("load:s1", 0, 2000)]), io);
  await appendRun("h.jsonl", record(1, [entry("load:s1", 0, 3000)]), io);
  const { runs, skipped } = await readHistory("h.jsonl", io);
  assert.equal(skipped, 0);
  assert.deepEqual(runs.map((r) => [r.runId, r.outcome]), [
    ["run2", "succeeded"],
    ["run1", "succeeded"],
  ]);
  assert.equal(runs[1]!.timeline[0]!.runMs, 3000);
});

Deno.test("appendRun() keeps the newest runs, and a torn last line does not hide the next", async () => {
  const files = new Map([["h.jsonl", '{"version":1,"runId":"torn","star']]);
  const io = fakeIo(files);
  for (let n = 0; n < HISTORY_LIMIT + 25; n++) await appendRun("h.jsonl", record(n, []), io);
  const { runs } = await readHistory("h.jsonl", io);
  assert.equal(runs.length, HISTORY_LIMIT);
  assert.equal(runs[0]!.runId, `run${HISTORY_LIMIT + 24}`);
  assert.equal(runs.at(-1)!.runId, "run25");
});

Deno.test("expectationsOf() takes each step from the history or the journal, whichever knows more", () => {
  const runs = [3, 2, 1].map((n) =>
    record(n, [entry("load:s1", 1000, n * 60_000), entry("update:dp", 0, 99, "failed")])
  );
  assert.deepEqual(stepDurations(runs).get("load:s1"), [181_000, 121_000, 61_000]);
  assert.equal(stepDurations(runs).has("update:dp"), false, "failed steps do not count");
  const fewer = expectationsOf(runs, { "load:s1": [5, 6], "index:wf": [10, 20, 30] });
  assert.equal(fewer.get("load:s1")?.medianMs, 121_000, "the history: three against two");
  assert.equal(fewer.get("index:wf")?.medianMs, 20, "only the journal knows it");
  const more = expectationsOf(runs, { "load:s1": [1000, 2000, 3000, 4000, 5000] });
  assert.equal(more.get("load:s1")?.medianMs, 3000, "the journal, an older version's five");
});

Deno.test("historyText() lists runs newest first and each step's trend, within 80 columns", () => {
  const long = `load:${"source_with_a_very_long_identifier_".repeat(3)}`;
  const runs = [5, 4, 3, 2, 1].map((n) =>
    record(n, [
      entry("load:s1", 0, 60_000 * n),
      entry(long, 0, 1000),
      entry("update:dp_customers", 0, 20 * 60_000, n === 4 ? "failed" : "succeeded"),
      ...(n === 5 ? [] : [entry("publish:d1", 0, 5_000)]),
    ], n === 4 ? "failed" : "succeeded")
  );
  const text = historyText(runs, 12);
  for (const line of text.split("\n")) {
    assert.ok(line.length <= HISTORY_WIDTH, `${line.length} columns: ${line}`);
  }
  assert.match(
    text,
    /^Runs of dp_customers on https:\/\/acme\.tamr\.cloud, newest first \(5 of 12\):\n/,
  );
  const rows = text.split("\n").filter((l) => /^ {2}\d{4}-/.test(l));
  assert.equal(rows.length, 5);
  assert.match(rows[1]!, /failed +33m04s +update:dp_customers \(20m00s\)$/);
  const s1 = text.split("\n").find((l) => l.startsWith("  load:s1 "))!;
  assert.match(s1, / 3m00s +4m36s +▁▃▅▆█$/, "median, p90 and the trend, oldest first");
  assert.match(text, /^ {2}update:dp_customers +20m00s +20m00s +▄▄▄×▄$/m);
  assert.match(text, /^ {2}publish:d1 +5.0s +5.0s +▄▄▄▄·$/m);
  assert.match(text, /^ {2}load:source_with_a_very_long_identifier_\S*… /m, "cut, not wrapped");
  assert.doesNotMatch(text, /waited/, "no step waited for a slot");
});

Deno.test("historyText() shows the wait for a slot when a step waited", () => {
  const runs = [2, 1].map((n) =>
    record(n, [entry("load:s1", 90_000, 60_000), entry("load:s2", 0, 60_000)])
  );
  const text = historyText(runs, 2);
  assert.match(text, /^ {2}step +median +p90 +waited +trend$/m);
  assert.match(text, /^ {2}load:s1 +2m30s +2m30s +1m30s +▄▄$/m);
  assert.match(text, /^ {2}load:s2 +1m00s +1m00s +▄▄$/m);
});

Deno.test("sparkline() scales from the shortest to the longest; × not succeeded, · not run", () => {
  assert.equal(sparkline([1, 8, 4.5, "failed", null, "stopped"]), "▁█▅×·×");
  assert.equal(sparkline([7, 7]), "▄▄");
  assert.equal(sparkline(["timed_out"]), "×");
});

Deno.test("historyJson() has exactly the contract's fields", () => {
  const json = historyJson([record(1, [entry("load:s1", 300, 1000)])]);
  assert.deepEqual(json, {
    runs: [{
      runId: "run1",
      startedAt: new Date(T0 + 24 * HOUR).toISOString(),
      outcome: "succeeded",
      durationMs: 33 * 60_000 + 1000,
      steps: [{ step: "load:s1", outcome: "succeeded", waitMs: 300, runMs: 1000 }],
    }],
  });
});
