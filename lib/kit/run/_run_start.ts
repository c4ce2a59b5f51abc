/** How a run begins: the `start` event, and the steps a resumed run already finished. */
import type { DurationStats } from "../history/duration_stats.ts";
import type { RunEvent } from "./events.ts";
import type { Plan } from "./plan.ts";
import type { RunOptions } from "./run_options.ts";
import type { PriorStep } from "./step.ts";

/**
 * The first event: the plan, with each step's exact create request body and its expectation (the
 * median and the 90th percentile of earlier durations) when known.
 */
export function startEvent(options: RunOptions, concurrency: number, time: string): RunEvent {
  return {
    type: "start",
    time,
    version: 1,
    tenant: options.tenant,
    baseUrl: options.baseUrl,
    dataProduct: options.plan.dataProduct,
    concurrency,
    steps: options.plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
      ...expectationOf(options.expected?.get(s.id)),
    })),
  };
}

/** A step's expectation as the start event says it: whole milliseconds. */
function expectationOf(stats: DurationStats | undefined): { expectedMs?: number; p90Ms?: number } {
  if (!stats) return {};
  return { expectedMs: Math.round(stats.medianMs), p90Ms: Math.round(stats.p90Ms) };
}

/** Steps a resumed run already finished: said once, never started again. */
export function seedFinishedSteps(
  plan: Plan,
  prior: ReadonlyMap<string, PriorStep> | undefined,
  emit: (e: RunEvent) => void,
  now: () => string,
): Set<string> {
  const started = new Set<string>();
  for (const step of plan.steps) {
    const p = prior?.get(step.id);
    if (p?.outcome !== "succeeded") continue;
    started.add(step.id);
    emit({
      type: "step",
      time: now(),
      step: step.id,
      kind: step.kind,
      target: step.target,
      state: "succeeded",
      ...(p.jobId ? { jobId: p.jobId } : {}),
    });
  }
  return started;
}
