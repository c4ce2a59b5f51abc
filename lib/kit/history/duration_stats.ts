/** How long a step usually takes, from its earlier durations: a spread, not one number. */

/**
 * A step's past durations summed up (milliseconds): how many, the median, the 10th and the 90th
 * percentile.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { durationStats } from "@tamr-refresh/kit";
 *
 * const s = durationStats([60_000, 70_000, 80_000]);
 * assert.equal(s?.medianMs, 70_000);
 * ```
 */
export interface DurationStats {
  /** How many durations it is made of. */
  samples: number;
  /** The median: what the step usually takes. */
  medianMs: number;
  /** The 10th percentile: a job this fast is not unusual. */
  p10Ms: number;
  /** The 90th percentile: a job still running past it is "slower than usual". */
  p90Ms: number;
}

/** Linear interpolation between the closest ranks (as spreadsheets' PERCENTILE.INC). */
function percentile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * The stats of some durations (ms); null when there is none that is a finite, positive number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { durationStats } from "@tamr-refresh/kit";
 *
 * assert.equal(durationStats([])?.medianMs, undefined);
 * assert.equal(durationStats([10, 20, 30, 40, 50])?.p90Ms, 46);
 * ```
 */
export function durationStats(durations: readonly number[]): DurationStats | null {
  const sorted = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    samples: sorted.length,
    medianMs: percentile(sorted, 0.5),
    p10Ms: percentile(sorted, 0.1),
    p90Ms: percentile(sorted, 0.9),
  };
}
