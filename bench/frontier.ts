/**
 * The reference for polling: the best trade between requests and lag that any schedule of polls of
 * one job at a time can reach when it knows each job's distribution exactly (durations uniform
 * within ±jitter of their usual), no two polls further apart than the interval cap. Found with the
 * kit's own planner (`_poll_plan.ts`, exact for such a distribution), its weight of lag against
 * polls set so that the requests equal a budget (the walkthrough's), and measured over each
 * job's whole range of durations.
 */
import { type EndModel, MODEL_MASS } from "../lib/kit/job/_likely_end.ts";
import { planWait, pollPlan } from "../lib/kit/job/_poll_plan.ts";

/** Requests per job (a create and the polls) and mean lag as a share of each job, in %. */
export interface PollingCost {
  requestsPerJob: number;
  lagPct: number;
}

/** Durations per job evaluated across its range. */
const QUANTILES = 400;

/** The cost of polling each job with the planner's optimum for `weight`, over its whole range. */
export function optimalCost(
  usual: readonly number[],
  jitter: number,
  capMs: number,
  weight: number,
): PollingCost {
  let requests = 0;
  let lag = 0;
  for (const b of usual) {
    const model = uniform(b, jitter);
    const plan = pollPlan(model, capMs, weight);
    for (let q = 0; q < QUANTILES; q++) {
      const d = b * (1 - jitter + (2 * jitter * (q + 0.5)) / QUANTILES);
      let t = 0;
      let polls = 0;
      while (t < d) {
        t += plan ? planWait(plan, t, 1) : capMs;
        polls++;
      }
      requests += 1 + polls;
      lag += (t - d) / d;
    }
  }
  const n = usual.length * QUANTILES;
  return { requestsPerJob: requests / n, lagPct: (100 * lag) / n };
}

/** The exact model of durations uniform within ±jitter of `usualMs`: each knot at its quantile. */
function uniform(usualMs: number, jitter: number): EndModel {
  const lo = usualMs * (1 - jitter);
  const width = 2 * jitter * usualMs;
  return { knots: MODEL_MASS.map((q) => lo + q * width), medianMs: usualMs };
}

/** The walkthrough's cost over the same ranges: a poll at once, then every `capMs`. */
export function walkthroughCost(
  usual: readonly number[],
  jitter: number,
  capMs: number,
): PollingCost {
  let requests = 0;
  let lag = 0;
  for (const b of usual) {
    for (let q = 0; q < QUANTILES; q++) {
      const d = b * (1 - jitter + (2 * jitter * (q + 0.5)) / QUANTILES);
      const seen = Math.ceil(d / capMs) * capMs;
      requests += 2 + Math.ceil(d / capMs);
      lag += (seen - d) / d;
    }
  }
  const n = usual.length * QUANTILES;
  return { requestsPerJob: requests / n, lagPct: (100 * lag) / n };
}

/** The least lag the optimum reaches within `requestsPerJob` (bisection on the planner's weight). */
export function frontierAt(
  usual: readonly number[],
  jitter: number,
  capMs: number,
  requestsPerJob: number,
): PollingCost & { weight: number } {
  let lo = Math.log(1);
  let hi = Math.log(100_000);
  let best = { ...optimalCost(usual, jitter, capMs, 1), weight: 1 };
  for (let k = 0; k < 24; k++) {
    const mid = (lo + hi) / 2;
    const weight = Math.exp(mid);
    const cost = optimalCost(usual, jitter, capMs, weight);
    if (cost.requestsPerJob <= requestsPerJob) {
      best = { ...cost, weight };
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return best;
}
