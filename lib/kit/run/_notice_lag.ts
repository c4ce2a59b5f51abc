/**
 * How late a step's end is noticed, for the expected end of a run: the poller's own mean lag for
 * the step's expectation (`expectedLagMs`), the next step starting only once the end is seen.
 */
import { expectedLagMs } from "../job/poll_schedule.ts";
import type { StepView } from "./run_state.ts";

/**
 * The run's state keeps each step's median and 90th percentile, not how many runs they come from:
 * they are taken for a handful, the spread mirrored below the median.
 */
const ASSUMED_SAMPLES = 5;

/**
 * Each view's lag, by the cap it was worked out for: a view is replaced when its step changes, so
 * an estimate made every frame looks each up once.
 */
const known = new WeakMap<StepView, { capMs: number; lagMs: number }>();

/** The mean lag (ms) before the end of `view`'s job is seen, polled at most `capMs` apart. */
export function noticeLagOf(view: StepView, capMs: number): number {
  const m = view.expectedMs;
  if (m === null || !(m > 0) || !(capMs > 0)) return 0;
  const got = known.get(view);
  if (got?.capMs === capMs) return got.lagMs;
  const p90 = Math.max(m, view.p90Ms ?? m);
  const lagMs = expectedLagMs({
    medianMs: m,
    p10Ms: Math.max(0, 2 * m - p90),
    p90Ms: p90,
    samples: p90 > m ? ASSUMED_SAMPLES : 1,
  }, capMs);
  known.set(view, { capMs, lagMs });
  return lagMs;
}
