/**
 * runEta() on small graphs, against answers computed by hand (every duration in whole minutes,
 * counted from the run's start, each end seen at once: `pollIntervalMs: 0`); then the poller's lag
 * in seeing each end, added on top.
 */
import assert from "node:assert/strict";
import type { RunEvent, StepEvent } from "../lib/kit/run/events.ts";
import { runEta } from "../lib/kit/run/eta.ts";
import { expectedLagMs } from "../lib/kit/job/poll_schedule.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { isSlowerThanUsual, slowAfterMs } from "../lib/kit/run/slower_than_usual.ts";
import { startOfPlan } from "./_events.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (minutes: number) => T0 + minutes * MIN;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();
/** Each end seen the moment it happens: the hand-computed schedules. */
const AT_ONCE = { pollIntervalMs: 0 };

/** A run of `input` with each step's expected minutes (absent: unknown), then `events`. */
function stateOf(
  input: PlanInput,
  minutes: Record<string, number>,
  events: { at: number; step: string; state: StepEvent["state"]; jobId?: string }[] = [],
  concurrency = 4,
  p90: Record<string, number> = {},
): RunState {
  const plan = buildPlan(input);
  const out: RunEvent[] = [
    startOfPlan(plan, { time: iso(0), concurrency, usual: minutes, p90 }),
  ];
  for (const e of events) {
    const s = plan.steps.find((p) => p.id === e.step)!;
    out.push({
      type: "step",
      time: iso(e.at),
      step: e.step,
      kind: s.kind,
      target: s.target,
      state: e.state,
      ...(e.jobId ? { jobId: e.jobId } : {}),
    });
  }
  return foldEvents(out);
}

/** Minutes from the run's start to the expected end, or null. */
function endMinute(state: RunState, now: number, jobLimit?: number): number | null {
  const eta = runEta(state, at(now), jobLimit === undefined ? AT_ONCE : { ...AT_ONCE, jobLimit });
  return eta.endsAt === null ? null : (eta.endsAt - T0) / MIN;
}

const STANDARD: PlanInput = {
  sources: ["a", "b", "c", "d"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["x", "y"],
};
const STANDARD_MINUTES = {
  "load:a": 5,
  "load:b": 8,
  "load:c": 6,
  "load:d": 7,
  "update:dp": 20,
  "index:wf": 4,
  "publish:x": 3,
  "publish:y": 2,
};

Deno.test("runEta() list-schedules the whole plan longest first under the concurrency", () => {
  // Concurrency 2, longest first: 8 and 7 start; 7 ends at 7 and 6 starts (7–13); 8 ends at 8
  // and 5 starts (8–13); the data product 13–33; the index and publishes side by side 33–37.
  const state = stateOf(STANDARD, STANDARD_MINUTES, [], 2);
  const eta = runEta(state, at(0), AT_ONCE);
  assert.equal(eta.remainingMs, 37 * MIN);
  assert.equal(eta.endsAt, at(37));
  assert.deepEqual([eta.lowerBound, eta.unknownSteps], [false, 0]);
});

Deno.test("runEta() follows the scheduler's order: with durations known, sources start longest first", () => {
  // Concurrency 2, sources of 2, 2 and 9 in plan order. In plan order: 2 and 2, then 9 (ends
  // at 11). Longest first, as the runner starts them: 9 and 2, then 2 (2–4); the 9 ends at 9.
  const input = { sources: ["s1", "s2", "s3"], dataProduct: "dp" };
  const state = stateOf(input, { "load:s1": 2, "load:s2": 2, "load:s3": 9, "update:dp": 1 }, [], 2);
  assert.equal(endMinute(state, 0), 10);
});

Deno.test("runEta() holds the tenant's job limit: no more jobs at once than it runs", () => {
  const input = { sources: ["s1", "s2", "s3"], dataProduct: "dp" };
  const minutes = { "load:s1": 4, "load:s2": 4, "load:s3": 4, "update:dp": 1 };
  // Concurrency 10 but a tenant of 2 jobs: 4 + 4 for the sources, then 1.
  assert.equal(endMinute(stateOf(input, minutes, [], 10), 0, 2), 9);
  // The default tenant limit (5) does not bind: 4, then 1.
  assert.equal(endMinute(stateOf(input, minutes, [], 10), 0), 5);
});

Deno.test("runEta() counts a running step's remaining time from its start", () => {
  const input = { sources: ["s1", "s2"], dataProduct: "dp" };
  const minutes = { "load:s1": 10, "load:s2": 3, "update:dp": 5 };
  const state = stateOf(input, minutes, [
    { at: 0, step: "load:s1", state: "creating" },
    { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
    { at: 0, step: "load:s2", state: "creating" },
    { at: 0, step: "load:s2", state: "running", jobId: "job_2" },
    { at: 3, step: "load:s2", state: "succeeded", jobId: "job_2" },
  ]);
  // At minute 4: s1 has 6 minutes left (ends at 10), then the data product (10–15).
  assert.equal(endMinute(state, 4), 15);
  // The same at minute 7: nothing moved, the run goes as expected.
  assert.equal(endMinute(state, 7), 15);
});

Deno.test("runEta() keeps moving for a step past its expectation: a tenth of its time so far again", () => {
  const input = { sources: ["s1"], dataProduct: "dp" };
  const state = stateOf(input, { "load:s1": 10, "update:dp": 5 }, [
    { at: 0, step: "load:s1", state: "creating" },
    { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
  ]);
  // At minute 20, twice its median: 2 more minutes (a tenth of 20), then the data product.
  assert.equal(endMinute(state, 20), 27);
  // At minute 30: 3 more, then 5. Later and later while it runs, never "now".
  assert.equal(endMinute(state, 30), 38);
});

Deno.test("runEta() gives a step whose create waits for the tenant its full duration once a slot frees", () => {
  const input = { sources: ["s1", "s2"], dataProduct: "dp" };
  const state = stateOf(input, { "load:s1": 5, "load:s2": 3, "update:dp": 1 }, [
    { at: 0, step: "load:s1", state: "creating" },
    { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
    { at: 0, step: "load:s2", state: "creating" }, // answered 429: no job yet
  ]);
  // A tenant of one job: s1 ends at 5, s2 runs 5–8, the data product 8–9.
  assert.equal(endMinute(state, 1, 1), 9);
});

Deno.test("runEta() leaves out the steps that can no longer run after a failure", () => {
  const input = { sources: ["s1", "s2"], dataProduct: "dp", destinations: ["x"] };
  const state = stateOf(input, { "load:s1": 2, "load:s2": 5, "update:dp": 20, "publish:x": 3 }, [
    { at: 0, step: "load:s1", state: "creating" },
    { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
    { at: 0, step: "load:s2", state: "creating" },
    { at: 0, step: "load:s2", state: "running", jobId: "job_2" },
    { at: 2, step: "load:s1", state: "failed", jobId: "job_1" },
  ]);
  // The data product and the publish will be skipped: the run ends with s2, at 5.
  assert.equal(endMinute(state, 2), 5);
});

Deno.test("runEta() adds the poller's mean lag in seeing each end: the next step starts only then", () => {
  const input = { sources: ["s1"], dataProduct: "dp" };
  const minutes = { "load:s1": 5, "update:dp": 10 };
  const state = stateOf(input, minutes, [], 4, { "load:s1": 5.5, "update:dp": 11 });
  // The poller's own mean lag for each step (median and p90 as the state has them).
  const lag = (m: number, p90: number, cap: number) =>
    expectedLagMs(
      { medianMs: m * MIN, p10Ms: (2 * m - p90) * MIN, p90Ms: p90 * MIN, samples: 5 },
      cap,
    );
  const bothLags = (cap: number) => lag(5, 5.5, cap) + lag(10, 11, cap);
  // Default: polls at most 30 s apart. A few seconds a step, under half the interval.
  const eta = runEta(state, at(0));
  assert.equal(eta.endsAt, at(15) + bothLags(30_000));
  assert.ok(lag(5, 5.5, 30_000) > 1_000 && lag(5, 5.5, 30_000) < 15_000);
  assert.ok(lag(10, 11, 30_000) > 1_000 && lag(10, 11, 30_000) < 15_000);
  // Polls closer together see ends sooner; 0 sees them at once.
  assert.equal(runEta(state, at(0), { pollIntervalMs: 10_000 }).endsAt, at(15) + bothLags(10_000));
  assert.ok(bothLags(10_000) < bothLags(30_000));
  assert.equal(runEta(state, at(0), AT_ONCE).endsAt, at(15));
  // A running step: its remaining time, then the lag.
  const running = stateOf(
    input,
    minutes,
    [
      { at: 0, step: "load:s1", state: "creating" },
      { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
    ],
    4,
    { "load:s1": 5.5, "update:dp": 11 },
  );
  assert.equal(runEta(running, at(2)).endsAt, at(15) + bothLags(30_000));
});

Deno.test("runEta() says the end is unknown when no step still to run has an expectation", () => {
  const state = stateOf({ sources: ["s1"], dataProduct: "dp" }, {});
  const eta = runEta(state, at(0));
  assert.deepEqual(eta, { endsAt: null, remainingMs: null, lowerBound: false, unknownSteps: 2 });
});

Deno.test("runEta() gives a lower bound, marked so, when only some steps are known", () => {
  // s2 unknown, counted as taking no time: s1 (5) then the data product (10), at least 15.
  const state = stateOf({ sources: ["s1", "s2"], dataProduct: "dp" }, {
    "load:s1": 5,
    "update:dp": 10,
  });
  const eta = runEta(state, at(0), AT_ONCE);
  assert.equal(eta.endsAt, at(15));
  assert.equal(eta.lowerBound, true);
  assert.equal(eta.unknownSteps, 1);
});

Deno.test("runEta() of a finished run is its end; of a run not started, unknown", () => {
  const events: RunEvent[] = [{
    type: "start",
    time: iso(0),
    version: 1,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp",
    concurrency: 4,
    steps: [],
  }, { type: "finish", time: iso(3), outcome: "succeeded", exitCode: 0, steps: [] }];
  assert.equal(runEta(foldEvents(events), at(9)).endsAt, at(3));
  assert.equal(runEta(foldEvents([]), at(0)).endsAt, null);
});

Deno.test("the start event's expectations reach every step of the state, p90 included", () => {
  const state = stateOf({ sources: ["s1"], dataProduct: "dp" }, { "load:s1": 5 }, [], 4, {
    "load:s1": 7,
  });
  const s1 = state.byId.get("load:s1")!;
  assert.deepEqual([s1.expectedMs, s1.p90Ms], [5 * MIN, 7 * MIN]);
  assert.deepEqual([state.byId.get("update:dp")!.expectedMs, state.byId.get("update:dp")!.p90Ms], [
    null,
    null,
  ]);
});

Deno.test("a step is slower than usual past its p90 (and a tenth and a second past its median), only while it runs", () => {
  assert.equal(slowAfterMs({ expectedMs: 5 * MIN, p90Ms: 7 * MIN }), 7 * MIN);
  assert.equal(slowAfterMs({ expectedMs: 10 * MIN, p90Ms: 10 * MIN }), 11 * MIN);
  // A second past the median at least: a sub-second step is never slower for a late timer.
  assert.equal(slowAfterMs({ expectedMs: 100, p90Ms: 105 }), 1_100);
  assert.equal(slowAfterMs({ expectedMs: 5_000, p90Ms: 5_400 }), 6_000);
  const input = { sources: ["s1"], dataProduct: "dp" };
  const running = stateOf(
    input,
    { "load:s1": 5 },
    [
      { at: 0, step: "load:s1", state: "creating" },
      { at: 0, step: "load:s1", state: "running", jobId: "job_1" },
    ],
    4,
    { "load:s1": 7 },
  );
  const s1 = running.byId.get("load:s1")!;
  assert.equal(isSlowerThanUsual(s1, at(7)), false);
  assert.equal(isSlowerThanUsual(s1, at(7.1)), true);
  const done = stateOf(
    input,
    { "load:s1": 5 },
    [
      { at: 0, step: "load:s1", state: "creating" },
      { at: 9, step: "load:s1", state: "succeeded", jobId: "job_1" },
    ],
    4,
    { "load:s1": 7 },
  );
  assert.equal(isSlowerThanUsual(done.byId.get("load:s1")!, at(10)), false);
});

Deno.test("runEta() allows for the run's own --poll-interval, from its start event, when not told one", () => {
  const plan = buildPlan(STANDARD);
  const at = (pollIntervalMs: number) => {
    const start = startOfPlan(plan, { time: iso(0), concurrency: 4, usual: STANDARD_MINUTES });
    const state = foldEvents([{ ...start, pollIntervalMs } as RunEvent]);
    return runEta(state, T0).endsAt!;
  };
  const seenAtOnce = runEta(stateOf(STANDARD, STANDARD_MINUTES), T0, { pollIntervalMs: 0 }).endsAt!;
  assert.equal(at(0), seenAtOnce);
  // A longer interval means ends noticed later on average, so a later expected end.
  assert.ok(at(5 * MIN) > at(30_000));
  assert.ok(at(30_000) > at(0));
});
