/**
 * Runs the pipeline against the simulated tenant and checks the invariants: in-process on virtual
 * time (`runOnSim`, deterministic and instant, real durations), or over TCP on real time
 * (`runOverHttp`, for the few tests of what only a socket does).
 */
import assert from "node:assert/strict";
import { type ClientOptions, createJobClient } from "../lib/kit/api/client.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { type RunOptions, runPipeline, type RunResult } from "../lib/kit/run/runner.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import { createInProcessTenant } from "../lib/sim/in_process.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { mulberry32 } from "../lib/sim/_prng.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { canonicalJson } from "../lib/kit/api/types.ts";
import { type Clock, realClock } from "../lib/kit/clock.ts";
import { SECRET_KEY } from "./_cli.ts";

export const SMALL: PlanInput = {
  sources: ["s1", "s2", "s3"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1", "d2"],
};

export const SECOND = 1_000;
export const MINUTE = 60_000;

export interface PipelineRun {
  result: RunResult;
  events: RunEvent[];
  sim: SimTenant;
  /** The run's clock: virtual for `runOnSim`, real for `runOverHttp`. */
  clock: Clock;
}

export interface RunOnSimOptions {
  plan?: PlanInput;
  run?: Partial<RunOptions>;
  /**
   * Called once the run has started, with the sim; may abort the run. In virtual time it waits
   * for states with `clock.until(...)`.
   */
  during?: (sim: SimTenant, events: RunEvent[], clock: VirtualClock) => Promise<void>;
  /** Called before the run starts, with the sim (e.g. to leave another run's job on it). */
  before?: (sim: SimTenant, clock: VirtualClock) => void;
  requestTimeoutMs?: number;
  /** Seeds the client's backoff jitter. Default the scenario's seed, or 1. */
  seed?: number;
  /** The client's retry policy; default the client's own (Tamr-realistic) one. */
  retry?: ClientOptions["retry"];
}

/**
 * Runs the pipeline in-process against the simulated tenant on a virtual clock, with the real
 * defaults of the CLI (30 s polls, 30 s request timeout, 2 h job timeout): half an hour of
 * simulated time takes a fraction of a second, and the same inputs give the same run.
 */
export async function runOnSim(
  scenario: Scenario,
  options: RunOnSimOptions = {},
): Promise<PipelineRun & { clock: VirtualClock }> {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: SECRET_KEY, clock });
  const events: RunEvent[] = [];
  try {
    const client = createJobClient({
      baseUrl: sim.baseUrl,
      apiKey: SECRET_KEY,
      fetch: sim.fetch,
      createFetch: sim.fetch,
      clock,
      random: mulberry32(options.seed ?? scenario.seed ?? 1),
      requestTimeoutMs: options.requestTimeoutMs ?? 30 * SECOND,
      ...(options.retry ? { retry: options.retry } : {}),
    });
    options.before?.(sim, clock);
    const result = await clock.run(async () => {
      const running = runPipeline({
        client,
        plan: buildPlan(options.plan ?? SMALL),
        tenant: "sim",
        baseUrl: sim.baseUrl,
        emit: (e) => events.push(e),
        concurrency: 4,
        pollIntervalMs: 30 * SECOND,
        timeoutMs: 2 * 60 * MINUTE,
        slotWaitMs: 5 * SECOND,
        stopGraceMs: 10 * MINUTE,
        attach: true,
        clock,
        ...options.run,
      });
      if (options.during) await options.during(sim, events, clock);
      return await running;
    });
    return { result, events, sim, clock };
  } finally {
    await sim.close();
  }
}

/**
 * Runs the pipeline over TCP against the simulated tenant's real server, on real time with short
 * durations: for what only a socket shows (a dropped connection, a request left hanging).
 */
export async function runOverHttp(
  scenario: Scenario,
  options: { plan?: PlanInput; run?: Partial<RunOptions>; requestTimeoutMs?: number } = {},
): Promise<PipelineRun> {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  const events: RunEvent[] = [];
  try {
    const client = createJobClient({
      baseUrl: sim.baseUrl,
      apiKey: SECRET_KEY,
      requestTimeoutMs: options.requestTimeoutMs ?? 500,
      retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 6, maxElapsedMs: 10_000 },
    });
    const result = await runPipeline({
      client,
      plan: buildPlan(options.plan ?? SMALL),
      tenant: "sim",
      baseUrl: sim.baseUrl,
      emit: (e) => events.push(e),
      concurrency: 4,
      pollIntervalMs: 200,
      timeoutMs: 30_000,
      slotWaitMs: 100,
      stopGraceMs: 10_000,
      attach: true,
      ...options.run,
    });
    return { result, events, sim, clock: realClock };
  } finally {
    await sim.close();
  }
}

/** No configuration was created twice; nothing we started is left running; the key is nowhere. */
export function assertInvariants(
  run: PipelineRun,
  options: { leaveRunning?: boolean; maxCreatesPerStep?: number } = {},
): void {
  const jobs = run.sim.creates();
  const counts = new Map<string, number>();
  for (const j of jobs) {
    const k = canonicalJson(j.configuration);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const [k, n] of counts) {
    assert.ok(n <= (options.maxCreatesPerStep ?? 1), `${k} was created ${n} times`);
  }
  if (!options.leaveRunning) {
    for (const j of jobs) {
      assert.equal(j.status.state, "DONE", `job ${j.jobId} was left ${j.status.state}`);
    }
  }
  assert.ok(!JSON.stringify(run.events).includes(SECRET_KEY), "the key is not in any event");
  assert.ok(!JSON.stringify(run.result).includes(SECRET_KEY), "the key is not in the result");
  assert.deepEqual(run.sim.errors, [], "the simulator itself had no failures");
}

/** The step ids in the order they reached `state`. */
export function orderOf(events: RunEvent[], state: string): string[] {
  return events.flatMap((e) => e.type === "step" && e.state === state ? [e.step] : []);
}
