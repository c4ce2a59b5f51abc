/** How a run begins: the `start` event, and the steps a resumed run already finished. */
import type { DurationStats } from "../history/duration_stats.ts";
import type { PlanStepSummary, RunEvent, StepEvent } from "./events.ts";
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
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.earlierMs !== undefined ? { earlierMs: Math.round(options.earlierMs) } : {}),
    steps: options.plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
      ...expectationOf(options.expected?.get(s.id)),
      ...priorOf(options.prior?.get(s.id)),
    })),
  };
}

/** A step's expectation as the start event says it: whole milliseconds. */
function expectationOf(stats: DurationStats | undefined): { expectedMs?: number; p90Ms?: number } {
  if (!stats) return {};
  return { expectedMs: Math.round(stats.medianMs), p90Ms: Math.round(stats.p90Ms) };
}

/**
 * Steps a resumed run already finished: said once, with their times then (began, ended, and the
 * job's phases when the journal kept them), never started again.
 */
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
      ...timesThen(p),
    });
  }
  return started;
}

/** A finished step's times from the earlier run, those that are times. */
function timesThen(p: PriorStep): Pick<StepEvent, "startedAt" | "endedAt" | "jobTimes"> {
  const time = (t: string | undefined) => t !== undefined && Number.isFinite(Date.parse(t));
  const jobTimes = Object.fromEntries(
    Object.entries(p.jobTimes ?? {}).filter(([k, t]) => PHASES.has(k) && time(t)),
  ) as NonNullable<StepEvent["jobTimes"]>;
  return {
    ...(time(p.startedAt) ? { startedAt: p.startedAt! } : {}),
    ...(time(p.endedAt) ? { endedAt: p.endedAt! } : {}),
    ...(Object.keys(jobTimes).length > 0 ? { jobTimes } : {}),
  };
}

const RUN_AGAIN: ReadonlySet<string> = new Set(["failed", "timed_out", "stopped"]);
const PHASES: ReadonlySet<string> = new Set(["createdAt", "runningAt", "doneAt"]);

/** What the start event says of a step the run's earlier part knew: done, or its job still to watch. */
function priorOf(
  p: PriorStep | undefined,
): Pick<PlanStepSummary, "succeededBefore" | "resumedJobId" | "resumedSince"> {
  if (p?.outcome === "succeeded") return { succeededBefore: true };
  // As the step decides: a job whose step did not fail, stop or time out is polled again.
  if (!p?.jobId || RUN_AGAIN.has(p.outcome ?? "")) return {};
  const since = p.startedAt !== undefined && Number.isFinite(Date.parse(p.startedAt));
  return { resumedJobId: p.jobId, ...(since ? { resumedSince: p.startedAt! } : {}) };
}
