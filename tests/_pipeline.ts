/** Runs the pipeline in-process against the simulated tenant and checks the invariants. */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { type RunOptions, runPipeline, type RunResult } from "../lib/kit/run/runner.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { canonicalJson } from "../lib/kit/api/types.ts";
import { SECRET_KEY } from "./_cli.ts";

export const SMALL: PlanInput = {
  sources: ["s1", "s2", "s3"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1", "d2"],
};

export interface PipelineRun {
  result: RunResult;
  events: RunEvent[];
  sim: SimTenant;
}

/** Fast settings: short polls, short request timeouts, short backoff. */
export async function runOnSim(
  scenario: Scenario,
  options: {
    plan?: PlanInput;
    run?: Partial<RunOptions>;
    /** Called once the run has started, with the sim; may abort the run. */
    during?: (sim: SimTenant, events: RunEvent[]) => Promise<void>;
    requestTimeoutMs?: number;
  } = {},
): Promise<PipelineRun> {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  const events: RunEvent[] = [];
  try {
    const client = createJobClient({
      baseUrl: sim.baseUrl,
      apiKey: SECRET_KEY,
      requestTimeoutMs: options.requestTimeoutMs ?? 500,
      retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 6, maxElapsedMs: 10_000 },
      onRetry: (r) => events.push({ type: "retry", time: new Date().toISOString(), ...r }),
    });
    const running = runPipeline({
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
    if (options.during) await options.during(sim, events);
    const result = await running;
    return { result, events, sim };
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
