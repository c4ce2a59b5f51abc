/**
 * The benchmark's logic without its clock: the lower bound, the duration-aware polling schedule,
 * the runner's use of history, a trial of the varied scenario and the polling reference, all in
 * virtual time (no real sleeps, no timed assertions).
 */
import assert from "node:assert/strict";
import { listMakespan, optimalMakespan, pipelineBound } from "../bench/bound.ts";
import { finalLine, verdict } from "../bench/report.ts";
import { frontierAt, optimalCost, walkthroughCost } from "../bench/frontier.ts";
import { overBound, PAST_RUNS, runTrial } from "../bench/standard_section.ts";
import { etaLine, etaOff, etaSummary } from "../bench/eta.ts";
import { MINUTE, SLOTS, STANDARD_DURATIONS, STANDARD_PLAN } from "../bench/standard.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { expectedDurations, journalReduce, newJournal } from "../lib/app/journal/journal.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { waitForJob } from "../lib/kit/job/poller.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import type { Job, JobClient, JobConfiguration } from "../lib/kit/api/types.ts";
import type { ExpectedEnd } from "../lib/kit/job/wait_options.ts";

// ---- the lower bound ---------------------------------------------------------------------------

/** Every assignment of jobs to slots, tried one by one: the reference for small cases. */
function bruteForce(durations: number[], slots: number): number {
  let best = Infinity;
  const loads = new Array<number>(slots).fill(0);
  const go = (i: number) => {
    if (i === durations.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    for (let s = 0; s < slots; s++) {
      loads[s]! += durations[i]!;
      go(i + 1);
      loads[s]! -= durations[i]!;
    }
  };
  go(0);
  return best;
}

Deno.test("optimalMakespan() puts the standard sources on 5 slots in 9 minutes, on 4 in 10", () => {
  const loads = [...STANDARD_DURATIONS.loads];
  assert.deepEqual(optimalMakespan(loads, 5), { ms: 9 * MINUTE, exact: true });
  assert.deepEqual(optimalMakespan(loads, 4), { ms: 10 * MINUTE, exact: true });
  // 40 minutes of work on 5 slots would be 8 if it split evenly; the 7-minute source prevents it.
  assert.equal(listMakespan(loads, 5), 10 * MINUTE, "plan order on 5 slots");
  assert.equal(listMakespan(loads, 4), 12 * MINUTE, "plan order on 4 slots");
  assert.equal(listMakespan([...loads].sort((a, b) => b - a), 5), 9 * MINUTE, "longest first");
});

Deno.test("optimalMakespan() agrees with trying every assignment on random small cases", () => {
  let seed = 42;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let k = 0; k < 150; k++) {
    const n = 1 + Math.floor(random() * 7);
    const slots = 1 + Math.floor(random() * 4);
    const durations = Array.from({ length: n }, () => 1 + Math.floor(random() * 20));
    assert.equal(
      optimalMakespan(durations, slots).ms,
      bruteForce(durations, slots),
      `${JSON.stringify(durations)} on ${slots} slots`,
    );
  }
});

Deno.test("optimalMakespan() gives the classic lower bound, marked inexact, for many jobs", () => {
  const many = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
  const result = optimalMakespan(many, 5);
  assert.equal(result.exact, false);
  assert.equal(result.ms, many.reduce((a, b) => a + b, 0) / 5);
  assert.deepEqual(optimalMakespan([], 5), { ms: 0, exact: true });
  assert.throws(() => optimalMakespan([1], 0), /whole number of slots, got 0/);
  assert.throws(() => optimalMakespan([-1], 2), /durations of 0 or more, got -1/);
});

Deno.test("pipelineBound() of the standard scenario is 33 minutes on 5 slots and 34 on 4", () => {
  const bound = pipelineBound(STANDARD_DURATIONS, SLOTS);
  assert.equal(bound.ms, 33 * MINUTE);
  assert.equal(bound.loads.ms + bound.update + bound.after.ms, bound.ms);
  assert.equal(bound.after.ms, 4 * MINUTE, "index and publishes side by side: the longest");
  assert.equal(pipelineBound(STANDARD_DURATIONS, 4).ms, 34 * MINUTE);
  // With more side jobs than slots the last phase is a makespan too.
  assert.equal(pipelineBound({ loads: [1], update: 1, after: [3, 3, 3] }, 2).ms, 1 + 1 + 6);
});

// ---- virtual time ------------------------------------------------------------------------------

const T0 = Date.parse("2026-01-01T00:00:00Z");

/** The shared virtual clock (lib/sim/virtual_clock.ts), starting at T0. */
function virtualClock() {
  const clock = new VirtualClock({ start: T0 });
  return {
    clock,
    run: <T>(work: Promise<T>) => clock.run(work),
    now: () => clock.now(),
  };
}

/** A tenant in virtual time: each job is DONE `durationOf(configuration)` after its create. */
function virtualTenant(now: () => number, durationOf: (c: JobConfiguration) => number) {
  const jobs = new Map<string, { job: Job; createdAt: number; endAt: number }>();
  const calls = { create: 0, get: 0, list: 0, stop: 0 };
  const createOrder: string[] = [];
  const view = (id: string): Job => {
    const r = jobs.get(id)!;
    const iso = (t: number) => new Date(t).toISOString();
    const done = now() >= r.endAt;
    return {
      ...r.job,
      status: done ? { state: "DONE", stateStartTime: iso(r.endAt) } : { state: "RUNNING" },
      statusHistory: [
        { state: "RUNNING", stateStartTime: iso(r.createdAt) },
        ...(done ? [{ state: "DONE", stateStartTime: iso(r.endAt) }] : []),
      ],
    };
  };
  const client: JobClient = {
    createJob(configuration) {
      calls.create++;
      const jobId = `job_${jobs.size + 1}`;
      createOrder.push(JSON.stringify(configuration));
      const job: Job = { jobId, configuration, status: { state: "PENDING" } };
      jobs.set(jobId, { job, createdAt: now(), endAt: now() + durationOf(configuration) });
      return Promise.resolve(view(jobId));
    },
    getJob(jobId) {
      calls.get++;
      return Promise.resolve(view(jobId));
    },
    async *listJobs() {
      calls.list++;
      for (const id of [...jobs.keys()].reverse()) yield view(id);
    },
    stopJob() {
      calls.stop++;
      return Promise.resolve();
    },
  };
  return { client, calls, createOrder };
}

/** The standard scenario's durations, by configuration. */
function standardDuration(c: JobConfiguration): number {
  const plan = buildPlan(STANDARD_PLAN);
  const i = plan.steps.findIndex((s) => JSON.stringify(s.configuration) === JSON.stringify(c));
  const all = [
    ...STANDARD_DURATIONS.loads,
    STANDARD_DURATIONS.update,
    ...STANDARD_DURATIONS.after,
  ];
  return all[i]!;
}

/** Polls fixed 30-second polling makes for a job of `ms`: at once, then every 30 s until DONE. */
function fixedPolls(ms: number): number {
  return Math.ceil(ms / 30_000) + 1;
}

// ---- the polling schedule ------------------------------------------------------------------------

/** Waits for one job of `actualMs` with `expected` history; returns polls and the lag. */
async function waitOne(actualMs: number, expected?: number | ExpectedEnd) {
  const v = virtualClock();
  const tenant = virtualTenant(v.now, () => actualMs);
  const { jobId } = await tenant.client.createJob({ load: { sourceId: "s" } });
  const job = await v.run(waitForJob(tenant.client, jobId, {
    clock: v.clock,
    ...(expected === undefined
      ? {}
      : typeof expected === "number"
      ? { expectedDurationMs: expected }
      : { expected }),
  }));
  assert.equal(job.status.state, "DONE");
  return { polls: tenant.calls.get, lagMs: v.now() - T0 - actualMs };
}

/** Stats of `samples` durations that all took `ms`. */
const always = (ms: number, samples = 8): ExpectedEnd => ({
  medianMs: ms,
  p10Ms: ms,
  p90Ms: ms,
  samples,
});

Deno.test("waitForJob() with a history of equal durations notices the end at once, with fewer polls than fixed 30 s polling", async () => {
  for (const minutes of [2, 3, 4, 5, 8, 20]) {
    const ms = minutes * MINUTE;
    const aware = await waitOne(ms, always(ms));
    assert.equal(aware.lagMs, 0, `${minutes} min: noticed at the end`);
    assert.ok(aware.polls < fixedPolls(ms), `${minutes} min: ${aware.polls} polls`);
  }
  // Off the 30-second grid: noticed within half a percent.
  const odd = await waitOne(100_000, always(100_000));
  assert.ok(odd.lagMs <= 500, `lag ${odd.lagMs}ms`);
  assert.ok(odd.polls < fixedPolls(100_000));
});

Deno.test("waitForJob() with one earlier duration assumes it may vary by ±10%: a mean lag of about 2% of the job over that range", async () => {
  for (const minutes of [2, 5, 20]) {
    const ms = minutes * MINUTE;
    let lag = 0;
    let polls = 0;
    let fixed = 0;
    const n = 40;
    for (let k = 0; k < n; k++) {
      const actual = ms * (0.9 + (0.2 * (k + 0.5)) / n);
      const one = await waitOne(actual, ms);
      lag += one.lagMs / actual / n;
      polls += one.polls / n;
      fixed += fixedPolls(actual) / n;
    }
    assert.ok(lag <= 0.025, `${minutes} min: mean lag ${(100 * lag).toFixed(2)}%`);
    assert.ok(polls <= fixed + 1.5, `${minutes} min: ${polls} polls, fixed polling ${fixed}`);
  }
});

Deno.test("waitForJob() with history still notices an early end within the poll interval and a late one soon", async () => {
  const expected = 8 * MINUTE;
  const early = await waitOne(expected * 0.8, expected);
  assert.ok(early.lagMs <= 30_000, `early by 20%: lag ${early.lagMs}ms`);
  const late = await waitOne(expected * 1.2, expected);
  assert.ok(late.lagMs <= 0.03 * expected, `late by 20%: lag ${late.lagMs}ms`);
  // Polls crowd where the end was likely, then back off.
  assert.ok(late.polls <= fixedPolls(expected * 1.2) * 1.3, `late by 20%: ${late.polls} polls`);
  const slightlyLate = await waitOne(expected + 2_000, always(expected));
  assert.ok(slightlyLate.lagMs <= 0.03 * expected, `late by 2 s: lag ${slightlyLate.lagMs}ms`);
  // Without history: backing off from a second, a job is noticed within the interval.
  const cold = await waitOne(expected);
  assert.ok(cold.lagMs > 0 && cold.lagMs <= 30_000, `no history: lag ${cold.lagMs}ms`);
});

// ---- the runner with history, in virtual time ------------------------------------------------------

async function runStandard(concurrency: number, history: Record<string, number[]> = {}) {
  const v = virtualClock();
  const tenant = virtualTenant(v.now, standardDuration);
  const plan = buildPlan(STANDARD_PLAN);
  let journal = newJournal(plan, { tenant: "t", baseUrl: "http://127.0.0.1:1" }, "x", history);
  const expected = expectedDurations(journal);
  const events: RunEvent[] = [];
  const result = await v.run(runPipeline({
    client: tenant.client,
    plan,
    tenant: "t",
    baseUrl: "http://127.0.0.1:1",
    emit: (e) => {
      events.push(e);
      journal = journalReduce(journal, e);
    },
    concurrency,
    clock: v.clock,
    attach: true,
    ...(expected.size > 0 ? { expected } : {}),
  }));
  assert.equal(result.outcome, "succeeded");
  const requests = tenant.calls.create + tenant.calls.get + tenant.calls.list;
  return {
    wallMs: v.now() - T0,
    requests,
    history: journal.history,
    createOrder: tenant.createOrder.map((c) => JSON.parse(c)),
    events,
  };
}

Deno.test("a second run with the first run's history comes within 1.5% of the lower bound on 5 slots; with durations that keep repeating, exactly on it with fewer requests than fixed polling", async () => {
  const bound = pipelineBound(STANDARD_DURATIONS, SLOTS).ms;
  const first = await runStandard(5);
  assert.ok(first.wallMs > bound, "the first run, in plan order, cannot reach the bound");
  // The history holds Tamr's own durations, not the time it took to notice them.
  assert.deepEqual(first.history["load:src_3"], [8 * MINUTE]);
  assert.deepEqual(first.history["update:dp_customers"], [20 * MINUTE]);

  // One sample each: the polls allow for durations varying by about ±10%, so a job that takes
  // exactly as long as last time is noticed a little after its end, for a few polls more than
  // polling every 30 s (which these whole minutes happen to suit).
  const all = [...STANDARD_DURATIONS.loads, STANDARD_DURATIONS.update, ...STANDARD_DURATIONS.after];
  const fixed = all.reduce((n, ms) => n + 1 + fixedPolls(ms), 0); // a create and the polls
  const second = await runStandard(5, first.history);
  assert.ok(second.wallMs <= bound * 1.015, `${second.wallMs / MINUTE} minutes`);
  const loads = second.createOrder.slice(0, 8).map((c) => c.load.sourceId);
  assert.deepEqual(loads.slice(0, 3), ["src_3", "src_7", "src_5"], "longest sources first");
  assert.ok(second.requests <= fixed * 1.05, `${second.requests} requests, fixed polling ${fixed}`);

  // Eight equal samples each: the end is expected to the second.
  const repeated = Object.fromEntries(
    Object.entries(first.history).map(([step, ds]) => [step, Array(8).fill(ds[0])]),
  );
  const steady = await runStandard(5, repeated);
  assert.equal(steady.wallMs, bound, "exactly the lower bound: 33 minutes");
  assert.ok(steady.requests < fixed, `${steady.requests} requests, fixed polling ${fixed}`);
});

Deno.test("a second run at the default concurrency of 4 comes within 1.5% of its own floor of 34 minutes", async () => {
  const first = await runStandard(4);
  const second = await runStandard(4, first.history);
  const floor = pipelineBound(STANDARD_DURATIONS, 4).ms;
  assert.ok(second.wallMs >= floor && second.wallMs <= floor * 1.015, `${second.wallMs / MINUTE}`);
});

// ---- the report ------------------------------------------------------------------------------------

Deno.test("finalLine() prints the benchmark's last line in its exact format", () => {
  const line = finalLine({
    firstOverBound: 1.0131,
    secondOverBound: 1.0139,
    walkthroughOverBound: 2.0904,
    requestsPerJob: 14.513,
    lagPct: 1.954,
  });
  assert.equal(
    line,
    "bench: first/bound=1.01 second/bound=1.01 walkthrough/bound=2.09 requests/job=14.51 lag_pct=1.95",
  );
  assert.match(
    line,
    /^bench: first\/bound=\d+\.\d\d second\/bound=\d+\.\d\d walkthrough\/bound=\d+\.\d\d requests\/job=\d+\.\d+ lag_pct=\d+\.\d+$/,
  );
});

Deno.test("verdict() says by how much a target is missed", () => {
  assert.equal(
    verdict("RSS", 120, 150, " MB", { digits: 0 }),
    "✓ RSS: 120 MB (target: under 150 MB)",
  );
  assert.equal(
    verdict("RSS", 180, 150, " MB", { digits: 0 }),
    "✗ RSS: 180 MB (target: under 150 MB; missed by 30 MB, 20%)",
  );
  assert.match(verdict("req", 13.5, 13.5, "", { orEqual: true }), /^✓/);
  assert.match(verdict("cpu", NaN, 5, "%"), /^\? cpu: not measured/);
});

// ---- the varied scenario's trials and the polling reference ------------------------------------

Deno.test("a trial's run 1 learns from the tenant's earlier runs and starts the longest sources first; run 2 builds on its history", async () => {
  const trial = await runTrial(1);
  assert.equal(trial.first.outcome, "succeeded");
  assert.equal(trial.first.learned, true);
  assert.equal(trial.cold.learned, true, "asked, but the tenant had nothing to tell");
  // Each step: the 7 earlier runs' durations, then run 1's own.
  for (const ds of Object.values(trial.first.history)) assert.equal(ds.length, PAST_RUNS + 1);
  assert.equal(trial.second.learned, false, "run 2 has a history of its own");
  // 84 earlier jobs on three pages, then one look for jobs to attach to.
  assert.equal(trial.first.requests.list, 4);
  assert.equal(trial.second.requests.list, 1);
  // Known durations beat plan order: the learned run is near its bound, the cold one is not.
  assert.ok(overBound(trial.first, 4) < overBound(trial.cold, 4));
  assert.ok(overBound(trial.first, 4) <= 1.03, `${overBound(trial.first, 4)}`);
  // The walkthrough meets run 2's durations (to the millisecond the API's times are given in): the
  // same seed, whatever the order of creates.
  const all = (m: typeof trial.walk) => [
    ...[...m.durations.loads].sort((a, b) => a - b),
    m.durations.update,
  ];
  const ours = all(trial.second);
  all(trial.walk).forEach((ms, i) => assert.ok(Math.abs(ms - ours[i]!) <= 1, `${ms} ${ours[i]}`));
});

Deno.test("the ETA of a trial's run 2, replayed to 10% of the run, against its actual end", async () => {
  const { second } = await runTrial(1);
  const m = etaOff(second.events, 1);
  const start = Date.parse(second.events[0]!.time);
  const end = Date.parse(second.events.at(-1)!.time);
  assert.equal(m.runMs, end - start);
  assert.equal(m.lowerBound, false, "every step has an expectation from run 1's history");
  assert.equal(m.offPct, (100 * Math.abs(m.offMs)) / m.runMs);
  // Durations vary ±10%: the ETA cannot be exact, but it is of the run's size.
  assert.ok(m.offPct < 20, `${m.offPct}%`);
  // Replayed to the end, the ETA is the run's end.
  assert.equal(etaOff(second.events, 1, 1).offMs, 0);
  const s = etaSummary([m, { ...m, seed: 2, offPct: 2 * m.offPct }]);
  assert.equal(s.meanPct, 1.5 * m.offPct);
  assert.match(
    etaLine(s),
    /^eta: at 10% of the second run the ETA was off by \d+\.\d% on average \(worst \d+\.\d%\) over 2 trials$/,
  );
});

Deno.test("the polling reference: knowing the distribution, the optimum at the walkthrough's requests lags far less than it", () => {
  const usual = [
    ...STANDARD_DURATIONS.loads,
    STANDARD_DURATIONS.update,
    ...STANDARD_DURATIONS.after,
  ];
  const walk = walkthroughCost(usual, 0.1, 30_000);
  assert.ok(walk.requestsPerJob > 13.9 && walk.requestsPerJob < 14.1, `${walk.requestsPerJob}`);
  const best = frontierAt(usual, 0.1, 30_000, walk.requestsPerJob);
  assert.ok(best.requestsPerJob <= walk.requestsPerJob);
  assert.ok(best.lagPct < walk.lagPct / 2, `${best.lagPct}% against ${walk.lagPct}%`);
  // More weight on lag: less lag for more requests.
  const light = optimalCost(usual, 0.1, 30_000, 50);
  const heavy = optimalCost(usual, 0.1, 30_000, 200);
  assert.ok(heavy.lagPct < light.lagPct && heavy.requestsPerJob > light.requestsPerJob);
});
