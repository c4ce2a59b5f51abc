/**
 * How long each step is expected to take, from the plan's run history and, where that knows
 * less, the journal's durations (an older version's, or learned from the tenant): the spread the
 * runner orders sources by and places its polls with.
 */
import { type DurationStats, durationStats } from "../../kit/history/duration_stats.ts";
import type { Plan } from "../../kit/run/plan.ts";
import type { TimelineEntry } from "../../kit/run/timeline.ts";
import type { RunRecord } from "./record.ts";

/** How many of the newest runs the expectations are drawn from. */
export const EXPECTATION_RUNS = 20;

/** A step's time on Tamr: from its job's creation to its end (waiting plus running), ms. */
export function busyMs(t: Pick<TimelineEntry, "waitMs" | "runMs">): number | null {
  if (t.waitMs === null && t.runMs === null) return null;
  return (t.waitMs ?? 0) + (t.runMs ?? 0);
}

/**
 * Each step's durations in the newest `limit` runs (newest first), where it succeeded: creation
 * to end, by Tamr's own times where it said them.
 */
export function stepDurations(
  runs: readonly RunRecord[],
  limit = EXPECTATION_RUNS,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const run of runs.slice(0, limit)) {
    for (const t of run.timeline) {
      const ms = busyMs(t);
      if (t.outcome !== "succeeded" || ms === null || !(ms > 0)) continue;
      out.set(t.step, [...(out.get(t.step) ?? []), ms]);
    }
  }
  return out;
}

/**
 * Each step's expected duration (median and spread). Per step, from whichever knows more: the
 * run history's newest EXPECTATION_RUNS runs (`runs`, newest first), or the journal's durations
 * (`journal`, newest last: an older version kept the last five there, and it keeps what was
 * learned from the tenant). Never both: the journal's durations of this version's runs are the
 * history's too, so adding them up would count a run twice.
 */
export function expectationsOf(
  runs: readonly RunRecord[],
  journal: Readonly<Record<string, readonly number[]>>,
): Map<string, DurationStats> {
  const fromHistory = stepDurations(runs);
  const out = new Map<string, DurationStats>();
  for (const step of new Set([...fromHistory.keys(), ...Object.keys(journal)])) {
    const own = fromHistory.get(step) ?? [];
    const kept = journal[step] ?? [];
    const stats = durationStats(own.length >= kept.length ? own : kept);
    if (stats) out.set(step, stats);
  }
  return out;
}

/** The plan's steps with no expected duration yet (to learn from the tenant). */
export function stepsWithout(
  plan: Plan,
  expected: ReadonlyMap<string, DurationStats>,
): Plan["steps"] {
  return plan.steps.filter((s) => !expected.has(s.id));
}
