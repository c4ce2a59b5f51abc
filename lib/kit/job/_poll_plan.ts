/**
 * The best poll times for one wait, given where the job is likely to end: found once by dynamic
 * programming over a grid, then read at each poll. Pure.
 *
 * The cost of a plan is the polls it makes (a poll is made only while the end has not been seen)
 * plus `LAG_WEIGHT` × the mean lag as a share of the median; no two polls are further apart than
 * the interval cap. This is the optimum of that trade for the modelled distribution: where the end
 * is unlikely, polls are the cap apart; where it is likely, they crowd; as the mass still to come
 * runs out, they thin again.
 */
import { type EndModel, massAndMomentBelow } from "./_likely_end.ts";

/** A poll made costs 1; a lag of the whole median costs this much. */
export const LAG_WEIGHT = 120;
/**
 * Grid steps from the wait's start to the end of the likely window, at least: the step is then
 * shortened so that a whole number of steps makes the cap exactly.
 */
const STEPS = 256;

/** The plan: for each grid point, the grid point of the next poll. */
export interface PollPlan {
  stepMs: number;
  /** The next poll's grid index from each grid index; the last point is the window's end. */
  next: Int32Array;
}

/**
 * The optimal plan from the wait's start to the end of the likely window (null: nothing to plan),
 * on a grid of at least `steps` steps up to the window's end.
 */
export function pollPlan(
  model: EndModel,
  capMs: number,
  lagWeight: number = LAG_WEIGHT,
  steps: number = STEPS,
): PollPlan | null {
  const closes = model.knots[model.knots.length - 1]!;
  if (!(closes > 0) || !(capMs > 0)) return null;
  const reach = Math.ceil((capMs * steps) / closes);
  const h = capMs / reach;
  const n = Math.ceil(closes / h - 1e-9);
  const mass = new Float64Array(n + 1);
  const moment = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const below = massAndMomentBelow(model, i * h);
    mass[i] = below.mass;
    moment[i] = below.moment;
  }
  const weight = lagWeight / model.medianMs;
  const cost = new Float64Array(n + 1);
  const next = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    const alive = 1 - mass[i]!;
    let best = Infinity;
    for (let j = i + 1; j <= Math.min(n, i + reach); j++) {
      // The lag of ends between the two polls: ∫ (t_j − x) f(x) dx over (t_i, t_j].
      const lag = j * h * (mass[j]! - mass[i]!) - (moment[j]! - moment[i]!);
      const c = weight * lag + cost[j]!;
      if (c < best) {
        best = c;
        next[i] = j;
      }
    }
    cost[i] = alive + best;
  }
  return { stepMs: h, next };
}

/** The wait from `t` (ms since the wait began, before the window's end) to the plan's next poll. */
export function planWait(plan: PollPlan, t: number, sliverMs: number): number {
  const h = plan.stepMs;
  const i = Math.min(plan.next.length - 2, Math.max(0, Math.floor((t + sliverMs) / h)));
  return Math.max(sliverMs, plan.next[i]! * h - t);
}

/**
 * The mean lag of a plan under its model (ms): how long after the job's end the poll that sees it
 * comes, on average over where the end falls.
 */
export function planLag(model: EndModel, plan: PollPlan): number {
  const h = plan.stepMs;
  let lag = 0;
  let below = massAndMomentBelow(model, 0);
  for (let i = 0; i < plan.next.length - 1;) {
    const j = plan.next[i]!;
    const upTo = massAndMomentBelow(model, j * h);
    lag += j * h * (upTo.mass - below.mass) - (upTo.moment - below.moment);
    below = upTo;
    i = j;
  }
  return lag;
}
