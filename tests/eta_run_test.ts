/**
 * The ETA and "slower than usual" on whole runs on the simulated tenant (virtual time): the
 * expected end said from the start event alone matches the run's end when the jobs take as long
 * as expected; a step running past the 90th percentile of its earlier durations says so once, as
 * a warning naming the step, how long it has run and the percentile; a step within its usual time
 * says nothing.
 */
import assert from "node:assert/strict";
import type { WarningEvent } from "../lib/kit/run/events.ts";
import { durationStats } from "../lib/kit/history/duration_stats.ts";
import { runEta } from "../lib/kit/run/eta.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { MINUTE, runOnSim } from "./_pipeline.ts";

const PLAN = { sources: ["s1", "s2"], dataProduct: "dp" };
const SCENARIO = {
  pendingMs: 0,
  durations: { "load:s1": 12 * MINUTE, "load:s2": 5 * MINUTE, "update:dp": 10 * MINUTE },
};

Deno.test("a step past its p90 warns once, naming the step, its time so far and the p90", async () => {
  const expected = new Map([
    // s1 usually takes 8 minutes, 9 at most in 90% of runs: today's 12 is slower than usual.
    ["load:s1", durationStats([7 * MINUTE, 8 * MINUTE, 8 * MINUTE, 9 * MINUTE, 9 * MINUTE])!],
    ["load:s2", durationStats([5 * MINUTE, 5.5 * MINUTE, 6 * MINUTE])!],
    ["update:dp", durationStats([10 * MINUTE, 11 * MINUTE])!],
  ]);
  const { result, events } = await runOnSim(SCENARIO, { plan: PLAN, run: { expected } });
  assert.equal(result.outcome, "succeeded");
  const slow = events.filter((e): e is WarningEvent =>
    e.type === "warning" && e.message.startsWith("Slower than usual")
  );
  assert.equal(slow.length, 1, JSON.stringify(slow));
  const w = slow[0]!;
  assert.equal(w.step, "load:s1");
  assert.ok(w.jobId?.startsWith("job_"));
  const p90 = expected.get("load:s1")!.p90Ms;
  assert.match(
    w.message,
    /^Slower than usual: running for \d+m\d\ds, while 90% of earlier runs took at most 9m00s\.$/,
  );
  // Said at the first poll past the p90: after it, and within one poll interval (30 s).
  const start = Date.parse(events.find((e) => e.type === "step" && e.step === "load:s1")!.time);
  const saidAfter = Date.parse(w.time) - start;
  assert.ok(saidAfter > p90 && saidAfter <= p90 + 30_000, `said ${saidAfter} ms in`);
  // Before the step ended.
  const ended = events.find((e) =>
    e.type === "step" && e.step === "load:s1" && e.state === "succeeded"
  )!;
  assert.ok(Date.parse(w.time) < Date.parse(ended.time));
});

Deno.test("no step warns when every one ends within its usual time, nor without history", async () => {
  const expected = new Map([
    ["load:s1", durationStats([11 * MINUTE, 12 * MINUTE, 13 * MINUTE])!],
    ["load:s2", durationStats([5 * MINUTE])!],
    ["update:dp", durationStats([10 * MINUTE])!],
  ]);
  for (const run of [{ expected }, {}]) {
    const { result, events } = await runOnSim(SCENARIO, { plan: PLAN, run });
    assert.equal(result.outcome, "succeeded");
    assert.deepEqual(events.filter((e) => e.type === "warning"), []);
  }
});

Deno.test("the expected end said at the start is the run's end when jobs take their usual time", async () => {
  // Concurrency 4 over two sources, then the data product: 12 + 10 minutes.
  const expected = new Map(
    Object.entries(SCENARIO.durations).map(([step, ms]) => [step, durationStats([ms])!]),
  );
  const { result, events } = await runOnSim(SCENARIO, { plan: PLAN, run: { expected } });
  assert.equal(result.outcome, "succeeded");
  const start = Date.parse(events[0]!.time);
  const state = foldEvents(events.slice(0, 1));
  assert.equal(runEta(state, start, { pollIntervalMs: 0 }).remainingMs, 22 * MINUTE);
  // The run ends later by what it takes to notice each end (the poller's lag) and to create the
  // next job; the ETA counts the poller's mean lag of each step, so it is that close.
  const eta = runEta(state, start);
  const end = Date.parse(events.at(-1)!.time);
  const off = end - eta.endsAt!;
  assert.ok(eta.remainingMs! > 22 * MINUTE, `${eta.remainingMs} ms`);
  assert.ok(Math.abs(off) <= 15_000, `the run ended ${off} ms after its ETA`);
});
