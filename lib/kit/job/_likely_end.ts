/**
 * Where a job is likely to end, from the spread of its past durations: a distribution made of
 * uniform pieces between knots at 10%, 50% and 90% of its mass (as for durations that vary evenly),
 * a thin tail on each side, the spread blended with an assumed one where samples are few.
 */
import type { ExpectedEnd } from "./wait_options.ts";

/** The likely end: knots (ms from the wait's start) at the masses of `MODEL_MASS`. */
export interface EndModel {
  knots: readonly number[];
  /** The median: the scale lags are measured against. */
  medianMs: number;
}

/**
 * The mass put beyond the usual range on each side, spread out to `OUT` half-spreads from the
 * centre: the samples may have missed how far a job can stray, and a little mass there makes the
 * plan hedge (a poll or two earlier, a little later) instead of betting everything on the range.
 */
const TAIL = 0.02;
/** Where the usual range ends, in half-spreads: 1.25 for the 10% beyond the 10th percentile. */
const IN = 1 + (0.25 * (0.1 - TAIL)) / 0.1;
const OUT = 1.6;
/** The mass below each knot of a model. */
export const MODEL_MASS = [0, TAIL, 0.1, 0.5, 0.9, 1 - TAIL, 1] as const;
const MASS = MODEL_MASS;

/**
 * The spread assumed from the median to the 10th or 90th percentile, as a share of the median,
 * before samples show one: durations that vary by ±10% have theirs at ±8%.
 */
export const ASSUMED_SPREAD = 0.08;
/**
 * How many samples the assumed spread weighs as: the spread of a few samples is noisy, so it is
 * blended with the assumption, which it outweighs as samples accumulate.
 */
const PRIOR_SAMPLES = 2;
/**
 * The 10th and 90th percentiles of a few samples lie inside the true ones: the measured spread is
 * widened by this share over the number of samples.
 */
const SMALL_SAMPLE_WIDENING = 1;
/** The least spread kept however many samples agree: no job repeats its time to the second. */
const MIN_SPREAD = 0.01;

/**
 * The model of the job's end from its expected duration and spread: centred between the 10th and
 * the 90th percentile (for durations that vary evenly, a steadier estimate than the median of a
 * few samples), the median splitting the mass inside.
 */
export function endModel(e: ExpectedEnd): EndModel {
  const m = e.medianMs;
  const n = Math.max(1, e.samples ?? 1);
  const lo = Math.min(e.p10Ms, m);
  const hi = Math.max(e.p90Ms, m);
  const centre = n <= 1 ? m : (lo + hi) / 2;
  const measured = n <= 1 ? m * ASSUMED_SPREAD : ((hi - lo) / 2) * (1 + SMALL_SAMPLE_WIDENING / n);
  const half = Math.max(
    m * MIN_SPREAD,
    (n * measured + PRIOR_SAMPLES * m * ASSUMED_SPREAD) / (n + PRIOR_SAMPLES),
  );
  // The median stays inside the window, so that no piece is empty.
  const mid = Math.min(centre + half * 0.9, Math.max(centre - half * 0.9, m));
  // A uniform piece from 0% to 10% of the mass is a quarter as wide as the one from 10% to 50%.
  const knots = [
    Math.max(0, centre - OUT * half),
    Math.max(0, centre - IN * half),
    Math.max(0, centre - half),
    mid,
    centre + half,
    centre + IN * half,
    centre + OUT * half,
  ] as const;
  return { knots, medianMs: m };
}

/**
 * The mass of the end below `t` (the CDF) and its first moment below `t` (∫ x f(x) dx up to `t`),
 * exact for the uniform pieces.
 */
export function massAndMomentBelow(model: EndModel, t: number): { mass: number; moment: number } {
  const k = model.knots;
  let mass = 0;
  let moment = 0;
  for (let i = 1; i < k.length; i++) {
    const lo = k[i - 1]!;
    const hi = k[i]!;
    const pieceMass = MASS[i]! - MASS[i - 1]!;
    if (t <= lo) break;
    if (hi <= lo) {
      mass += pieceMass; // a point: all of it at lo
      moment += pieceMass * lo;
      continue;
    }
    const to = Math.min(t, hi);
    const density = pieceMass / (hi - lo);
    mass += density * (to - lo);
    moment += density * (to * to - lo * lo) / 2;
  }
  return { mass: Math.min(1, mass), moment };
}
