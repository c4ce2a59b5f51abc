/**
 * Polls ride out outages, and waiting for a tenant slot ends at `--timeout`: the pipeline in-process
 * against the simulated tenant on virtual time, with the CLI's defaults (30 s polls, 30 s request
 * timeout, the client's own retry policy) and Tamr-like durations.
 */
import assert from "node:assert/strict";
import { InterruptedError } from "../lib/kit/errors.ts";
import { slotWait } from "../lib/kit/run/create.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import type { Fault, Scenario } from "../lib/sim/scenario.ts";
import type { RequestLogEntry } from "../lib/sim/handler.ts";
import { assertInvariants, MINUTE, type PipelineRun, runOnSim, SECOND } from "./_pipeline.ts";

/** Jobs of a few minutes: long enough for an outage to start and end while one runs. */
const fast: Scenario = { pendingMs: 20 * SECOND, durations: { default: 3 * MINUTE } };
/** The longest wait between two polls of a job (the client's `maxDelayMs`, `--poll-interval`). */
const CEILING = 30 * SECOND;

/** The polls (`GET /jobs/{id}`) of the job of `step`, in order. */
function pollsOf(run: PipelineRun, step: string): RequestLogEntry[] {
  const jobId = run.result.steps.find((s) => s.step === step)?.jobId;
  assert.ok(jobId, `${step} has a job`);
  return run.sim.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/jobs/${jobId}`));
}

/** The waits between consecutive polls of `step`'s job. */
function pollGaps(run: PipelineRun, step: string): number[] {
  const polls = pollsOf(run, step);
  return polls.slice(1).map((r, i) => r.time - polls[i]!.time);
}

function warningsOf(events: RunEvent[], step: string, pattern: RegExp): string[] {
  return events.flatMap((e) =>
    e.type === "warning" && e.step === step && pattern.test(e.message) ? [e.message] : []
  );
}

/** The run succeeded with one job per step, nothing left running, and polls at most 30 s apart. */
function assertRodeOut(run: PipelineRun, step: string): void {
  assert.equal(run.result.exitCode, 0, run.result.message);
  assert.equal(run.result.outcome, "succeeded");
  assert.ok(run.sim.requests.some((r) => r.fault !== undefined), "the fault was injected");
  assert.equal(run.sim.creates().length, 7, "one job per step");
  assertInvariants(run);
  const gaps = pollGaps(run, step);
  assert.ok(gaps.every((g) => g <= CEILING), `polls at most 30 s apart: ${gaps.join(", ")}`);
}

const onDp = (fault: Fault): Scenario => ({ ...fast, faults: [fault] });

Deno.test("a two-minute outage (503 on every poll) is ridden out: succeeded, one job per step", async () => {
  const run = await runOnSim(onDp({
    kind: "outage",
    forMs: 2 * MINUTE,
    path: "get",
    step: "update:dp",
    after: 1,
  }));
  assertRodeOut(run, "update:dp");
  const failed = pollsOf(run, "update:dp").filter((r) => r.status === 503);
  assert.ok(failed.length >= 6, `at least six 503s, got ${failed.length}`);
  const span = failed.at(-1)!.time - failed[0]!.time;
  assert.ok(span >= 90 * SECOND, `the 503s span the outage: ${span} ms`);
  // Said once when the polls started failing and once when they were answered again.
  assert.equal(warningsOf(run.events, "update:dp", /are failing/).length, 1);
  assert.equal(warningsOf(run.events, "update:dp", /answered again/).length, 1);
});

Deno.test("an oversize (50 MB) answer to a poll is ridden out", async () => {
  const run = await runOnSim(onDp({ kind: "oversize", path: "get", step: "update:dp", times: 2 }));
  assertRodeOut(run, "update:dp");
  assert.equal(run.sim.requests.filter((r) => r.fault === "oversize").length, 2);
});

Deno.test("an HTML 502 page on ten polls in a row is ridden out", async () => {
  const run = await runOnSim(onDp({ kind: "html", path: "get", step: "update:dp", times: 10 }));
  assertRodeOut(run, "update:dp");
  assert.equal(pollsOf(run, "update:dp").filter((r) => r.status === 502).length, 10);
});

Deno.test("a 307 redirect on a poll is ridden out, never followed", async () => {
  const run = await runOnSim(onDp({ kind: "redirect", path: "get", step: "update:dp", times: 2 }));
  assertRodeOut(run, "update:dp");
  assert.ok(!run.sim.requests.some((r) => r.path === "/maintenance"), "the redirect not followed");
});

Deno.test("a poll answered 503 with Retry-After: 86400 waits at most 30 s, and the job's end is still seen", async () => {
  const run = await runOnSim(onDp({
    kind: "status",
    status: 503,
    retryAfter: "86400",
    path: "get",
    step: "update:dp",
    times: 3,
  }));
  assertRodeOut(run, "update:dp");
  const job = run.sim.creates().find((j) => "update" in j.configuration)!;
  const doneAt = Date.parse(job.status.stateStartTime!);
  const succeeded = run.events.find((e) =>
    e.type === "step" && e.step === "update:dp" && e.state === "succeeded"
  )!;
  const noticedAfter = Date.parse(succeeded.time) - doneAt;
  assert.ok(noticedAfter <= CEILING, `DONE noticed ${noticedAfter} ms after it happened`);
});

Deno.test("a network drop on ten polls in a row is ridden out", async () => {
  const run = await runOnSim(onDp({ kind: "drop", path: "get", step: "update:dp", times: 10 }));
  assertRodeOut(run, "update:dp");
});

Deno.test("a 404 on the polls just after a create, then the job appears: succeeded", async () => {
  const run = await runOnSim(onDp({
    kind: "status",
    status: 404,
    path: "get",
    step: "update:dp",
    times: 3,
  }));
  assertRodeOut(run, "update:dp");
  assert.equal(pollsOf(run, "update:dp").filter((r) => r.status === 404).length, 3);
});

Deno.test("an outage longer than the job's timeout: the job is stopped once it ends, and the run exits 3", async () => {
  // The polls fail from the first on, past the deadline (10 min), into the stop's grace (10 min).
  const run = await runOnSim({
    pendingMs: 20 * SECOND,
    stoppingMs: 30 * SECOND,
    durations: { default: 60 * MINUTE },
    faults: [{ kind: "outage", forMs: 14 * MINUTE, path: "get", step: "load:s1" }],
  }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 10 * MINUTE },
  });
  assert.equal(run.result.outcome, "timed_out", run.result.message);
  assert.equal(run.result.exitCode, 3);
  assert.equal(run.result.steps[0]!.outcome, "timed_out");
  assert.equal(run.result.steps[1]!.outcome, "skipped");
  assert.equal(run.sim.creates().length, 1);
  assert.equal(run.sim.creates()[0]!.status.error?.reason, "STOPPED_BY_USER");
  assertInvariants(run);
  const gaps = pollGaps(run, "load:s1");
  assert.ok(gaps.every((g) => g <= CEILING), `polls at most 30 s apart: ${gaps.join(", ")}`);
  const stop = run.sim.requests.find((r) => r.path.endsWith(":stop"))!;
  assert.equal(stop.time - run.sim.requests.find((r) => r.method === "POST")!.time, 10 * MINUTE);
});

// Waiting for a tenant slot

Deno.test("slotWait() doubles from slotWaitMs up to 12 times it, a longer Retry-After capped the same way", () => {
  const waits = Array.from({ length: 7 }, (_, i) => slotWait(i + 1, 5 * SECOND, undefined));
  assert.deepEqual(waits, [5, 10, 20, 40, 60, 60, 60].map((s) => s * SECOND));
  assert.equal(slotWait(1, 5 * SECOND, 30 * SECOND), 30 * SECOND);
  assert.equal(slotWait(1, 5 * SECOND, 3_600 * SECOND), 60 * SECOND);
  assert.equal(slotWait(3, 5 * SECOND, 0), 20 * SECOND, "a short Retry-After never hurries it");
  assert.equal(slotWait(9, 100, undefined), 1_200, "the ceiling scales with slotWaitMs");
});

Deno.test("429 with a long Retry-After for longer than --timeout: the step times out with no job, exit 3", async () => {
  const controller = new AbortController();
  const run = await runOnSim({
    ...fast,
    faults: [{ kind: "status", status: 429, retryAfter: "3600", path: "create", times: "always" }],
  }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 10 * MINUTE, signal: controller.signal },
    // A run that would wait for ever is interrupted, and fails the test, well after the timeout.
    during: async (_sim, _events, clock) => {
      await clock.sleep(30 * MINUTE);
      controller.abort(new InterruptedError("SIGINT"));
    },
  });
  assert.equal(run.result.outcome, "timed_out", run.result.message);
  assert.equal(run.result.exitCode, 3);
  const s1 = run.result.steps[0]!;
  assert.equal(s1.outcome, "timed_out");
  assert.equal(s1.jobId, null);
  assert.equal(s1.error?.reason, "TIMED_OUT");
  assert.match(s1.error?.message ?? "", /No job was created.*nothing to stop/);
  assert.equal(run.result.steps[1]!.outcome, "skipped");
  assert.equal(run.sim.creates().length, 0, "no job was created");
  const creates = run.sim.requests.filter((r) => r.method === "POST");
  const first = creates[0]!.time;
  assert.ok(creates.at(-1)!.time - first <= 10 * MINUTE, "no create after the timeout");
  const gaps = creates.slice(1).map((r, i) => r.time - creates[i]!.time);
  assert.ok(gaps.every((g) => g <= 60 * SECOND), `creates at most 60 s apart: ${gaps.join(", ")}`);
  const finish = run.events.at(-1)!;
  assert.ok(Date.parse(finish.time) - first <= 10 * MINUTE, "the run ended at the timeout");
});

Deno.test("waiting for a slot backs off from 5 s to 60 s between creates", async () => {
  const controller = new AbortController();
  const run = await runOnSim({
    ...fast,
    faults: [{ kind: "status", status: 429, path: "create", times: "always" }],
  }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 15 * MINUTE, signal: controller.signal },
    during: async (_sim, _events, clock) => {
      await clock.sleep(30 * MINUTE);
      controller.abort(new InterruptedError("SIGINT"));
    },
  });
  assert.equal(run.result.exitCode, 3, run.result.message);
  assert.equal(run.sim.creates().length, 0);
  const creates = run.sim.requests.filter((r) => r.method === "POST");
  const gaps = creates.slice(1).map((r, i) => r.time - creates[i]!.time);
  assert.ok(gaps.every((g) => g <= 60 * SECOND), `creates at most 60 s apart: ${gaps.join(", ")}`);
  assert.equal(gaps.filter((g) => g === 60 * SECOND).length >= 5, true, `gaps: ${gaps.join(", ")}`);
  // Two hundred creates in 15 minutes would be a fixed 5 s; backing off sends far fewer.
  assert.ok(creates.length < 60, `${creates.length} creates in 15 minutes`);
});
