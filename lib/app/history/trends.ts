/**
 * Each step's trend over recent runs: its durations oldest to newest, the median and 90th
 * percentile of those that succeeded, and how long it usually waited for a slot.
 */
import { durationStats } from "../../kit/history/duration_stats.ts";
import type { StepOutcome } from "../../kit/run/step_state.ts";
import { busyMs } from "./expectations.ts";
import type { RunRecord } from "./record.ts";

/** One step across recent runs. */
export interface StepTrend {
  step: string;
  /** Per run, oldest first: its duration when it succeeded, else its outcome (or null: not run). */
  points: (number | StepOutcome | null)[];
  /** Over the runs where it succeeded; null when it never did. */
  medianMs: number | null;
  p90Ms: number | null;
  /** The median of its waits for a slot (PENDING), where Tamr said when it started running. */
  waitMedianMs: number | null;
}

/** The trends of every step in `runs` (newest first): the newest run's steps first, in its order. */
export function stepTrends(runs: readonly RunRecord[]): StepTrend[] {
  const oldestFirst = [...runs].reverse();
  const steps = [...new Set(runs.flatMap((r) => r.timeline.map((t) => t.step)))];
  return steps.map((step) => {
    const entries = oldestFirst.map((r) => r.timeline.find((t) => t.step === step));
    const points = entries.map((t) => {
      if (!t) return null;
      const ms = busyMs(t);
      return t.outcome === "succeeded" && ms !== null ? ms : t.outcome;
    });
    const stats = durationStats(points.filter((p): p is number => typeof p === "number"));
    const waits = entries.flatMap((t) =>
      t && t.outcome === "succeeded" && t.runningAt !== null && t.waitMs !== null ? [t.waitMs] : []
    );
    return {
      step,
      points,
      medianMs: stats?.medianMs ?? null,
      p90Ms: stats?.p90Ms ?? null,
      waitMedianMs: waits.length > 0 ? median(waits) : null,
    };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * A sparkline of the points (oldest first): one bar per succeeded run, scaled from the shortest
 * to the longest; `×` where the step failed, was stopped or timed out, `·` where it did not run.
 */
export function sparkline(points: readonly (number | StepOutcome | null)[]): string {
  const values = points.filter((p): p is number => typeof p === "number");
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return points.map((p) => {
    if (p === null || p === "not_started" || p === "skipped") return "·";
    if (typeof p !== "number") return p === "running" ? "…" : "×";
    if (hi === lo) return BARS[3]!;
    return BARS[Math.round(((p - lo) / (hi - lo)) * (BARS.length - 1))]!;
  }).join("");
}
