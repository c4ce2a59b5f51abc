/**
 * The benchmark's standard scenario: 8 sources of 3, 5, 8, 2, 6, 4, 7 and 5 minutes, a 20-minute
 * data product update, a 4-minute search-index update and publishes of 3 and 2 minutes, on a
 * tenant that runs at most 5 jobs at once. The bench runs it in-process on virtual time.
 */
import type { PlanInput } from "../lib/kit/run/plan.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import type { PipelineDurations } from "./bound.ts";

export const MINUTE = 60_000;
/** The tenant's limit of jobs at once. */
export const SLOTS = 5;

const SOURCE_MINUTES = [3, 5, 8, 2, 6, 4, 7, 5] as const;
const UPDATE_MINUTES = 20;
const INDEX_MINUTES = 4;
const PUBLISH_MINUTES = [3, 2] as const;

export const STANDARD_PLAN: PlanInput = {
  sources: SOURCE_MINUTES.map((_, i) => `src_${i + 1}`),
  dataProduct: "dp_customers",
  workflow: "wf_search_index",
  destinations: PUBLISH_MINUTES.map((_, i) => `dest_${i + 1}`),
};

/** Every job's duration in simulated ms, by phase (for the lower bound). */
export const STANDARD_DURATIONS: PipelineDurations = {
  loads: SOURCE_MINUTES.map((m) => m * MINUTE),
  update: UPDATE_MINUTES * MINUTE,
  after: [INDEX_MINUTES * MINUTE, ...PUBLISH_MINUTES.map((m) => m * MINUTE)],
};

/**
 * The simulated tenant for the standard scenario: no queueing and no faults; each duration exact,
 * or varied by up to ±`jitter` (a fraction) from a PRNG seeded with `seed`; with `pastRuns`
 * earlier runs' jobs left on it (their durations varied the same way, from their own draws).
 */
export function standardScenario(
  options: { timeScale?: number; jitter?: number; seed?: number; pastRuns?: number } = {},
): Scenario {
  const durations: Record<string, number> = {};
  STANDARD_PLAN.sources.forEach((s, i) => durations[`load:${s}`] = SOURCE_MINUTES[i]! * MINUTE);
  durations[`update:${STANDARD_PLAN.dataProduct}`] = UPDATE_MINUTES * MINUTE;
  durations[`index:${STANDARD_PLAN.workflow}`] = INDEX_MINUTES * MINUTE;
  (STANDARD_PLAN.destinations ?? []).forEach((d, i) =>
    durations[`publish:${d}`] = PUBLISH_MINUTES[i]! * MINUTE
  );
  return {
    timeScale: options.timeScale ?? 1,
    pendingMs: 0,
    stoppingMs: 0,
    jobLimit: SLOTS,
    durations,
    jitter: options.jitter ?? 0,
    seed: options.seed ?? 1,
    ...(options.pastRuns ? { pastRuns: options.pastRuns } : {}),
  };
}
