/**
 * When to poll a job next: a pure function of how many polls were made and how long the wait has
 * gone on, so the schedule can be tested alone. With an expectation, the plan of the wait is made
 * once (`_poll_plan.ts`, from the model of `_likely_end.ts`) and read at each poll.
 */
import { type EndModel, endModel } from "./_likely_end.ts";
import { LAG_WEIGHT, planLag, planWait, type PollPlan, pollPlan } from "./_poll_plan.ts";
import type { ExpectedEnd } from "./wait_options.ts";

/** The numbers `pollSchedule()` works from. */
export interface PollScheduleOptions {
  firstIntervalMs: number;
  maxIntervalMs: number;
  backoff: number;
  /** The job's past durations: median and spread (preferred over `expectedDurationMs`). */
  expected?: ExpectedEnd | undefined;
  /** One expected duration, with no spread known (one sample). */
  expectedDurationMs?: number | undefined;
}

/** Where a wait is: how many polls were made and how long it has been going. */
export interface PollScheduleState {
  /** Polls made so far (0 before the first). */
  polls: number;
  /** Milliseconds since the wait began. */
  elapsedMs: number;
}

/** Past the likely end the job is late: polls start this share of the median apart. */
const LATE_SHARE = 0.02;
/** A wait this short means "now": the poll is aligned already (timers and floats are inexact). */
const SLIVER_MS = 1;

/**
 * The wait before the next poll, in milliseconds. Pure, so the schedule can be tested alone.
 *
 * Without an expectation: `firstIntervalMs`, then each wait `backoff` times the one before,
 * never more than `maxIntervalMs` (1s, 1.5s, 2.25s, ... 30s, 30s, ...).
 *
 * With `expected` (the median and spread of earlier durations; `expectedDurationMs` alone is
 * taken as one sample): the job's end is modelled as a distribution from that spread (with one or
 * two samples, a spread of ±8% at the 10th and 90th percentiles is assumed), and the polls are
 * the ones that minimise the polls made plus the mean lag as a share of the job, weighed by
 * `LAG_WEIGHT`, with no two further apart than `maxIntervalMs`:
 * - before the likely end, `maxIntervalMs` apart (an early end is still noticed within it);
 * - where the end is likely, they crowd, densest where it is most likely given that it has not
 *   come yet, then thin out as the chance that it is still to come runs out;
 * - past the likely end the job is late: polls 2% of the median apart (at least
 *   `firstIntervalMs`), backing off geometrically up to `maxIntervalMs`.
 *
 * @example
 * ```ts
 * import { pollSchedule } from "./poll_schedule.ts";
 *
 * const options = { firstIntervalMs: 1000, maxIntervalMs: 30_000, backoff: 1.5 };
 * const second = pollSchedule({ polls: 1, elapsedMs: 1000 }, options); // 1500
 * const aligned = pollSchedule({ polls: 0, elapsedMs: 0 }, {
 *   ...options,
 *   expected: { medianMs: 300_000, p10Ms: 280_000, p90Ms: 320_000, samples: 9 },
 * }); // 30000: 30 s apart until 4½ minutes, then crowding where the end is likely
 * ```
 */
export function pollSchedule(state: PollScheduleState, options: PollScheduleOptions): number {
  const max = options.maxIntervalMs;
  const first = Math.min(options.firstIntervalMs, max);
  const expected = expectationOf(options);
  if (!expected) return Math.min(max, first * options.backoff ** Math.max(0, state.polls));
  const { model, plan } = planned(options, expected);
  const closes = model.knots[model.knots.length - 1]!;
  const t = Math.max(0, state.elapsedMs);
  if (closes - t > SLIVER_MS) {
    return plan ? Math.min(max, planWait(plan, t, SLIVER_MS)) : max;
  }
  // Late: dense at first, then each wait a share of the time since the window closed.
  const late = Math.min(max, Math.max(first, model.medianMs * LATE_SHARE));
  return Math.min(max, Math.max(late, (t - closes) * (options.backoff - 1)));
}

/** The expectation to schedule by, or null: a point is one sample with no spread. */
function expectationOf(options: PollScheduleOptions): ExpectedEnd | null {
  const e = options.expected;
  if (e && Number.isFinite(e.medianMs) && e.medianMs > 0) return e;
  const ms = options.expectedDurationMs;
  if (ms === undefined || !(ms > 0)) return null;
  return { medianMs: ms, p10Ms: ms, p90Ms: ms, samples: 1 };
}

/** A wait's plan, and the numbers it was made from. */
interface Planned {
  key: string;
  model: EndModel;
  plan: PollPlan | null;
}

/** Plans are made once per wait: a wait passes the same options object at every poll. */
const plans = new WeakMap<PollScheduleOptions, Planned>();

function planned(options: PollScheduleOptions, e: ExpectedEnd): Planned {
  const key = `${e.medianMs}/${e.p10Ms}/${e.p90Ms}/${e.samples}/${options.maxIntervalMs}`;
  const known = plans.get(options);
  if (known?.key === key) return known;
  const model = endModel(e);
  const made = { key, model, plan: pollPlan(model, options.maxIntervalMs) };
  plans.set(options, made);
  return made;
}

/** Lags already worked out, by expectation and cap: an ETA asks for the same ones again and again. */
const lags = new Map<string, number>();
/** Past this many, the lags known are forgotten (a plan of thousands of steps stays small). */
const MAX_LAGS = 5_000;
/**
 * The grid the lag is worked out on: a quarter of the poller's, within a few percent of its lag
 * (a few hundred ms) at a tenth of the cost, for an estimate made over every step of a run.
 */
const LAG_GRID_STEPS = 64;

/**
 * How late, on average, the poller notices the end of a job with this expectation (whole ms): the mean
 * lag of the polls `pollSchedule()` places, under its own model of where the job ends (planned on
 * a coarser grid: within a few percent). What an estimate of a run's end adds to each step: the
 * next one starts when the end is seen.
 *
 * @example
 * ```ts
 * import { expectedLagMs } from "./poll_schedule.ts";
 *
 * // A 5-minute job polled at most every 30 s: its end is seen about 6 s late on average.
 * const lag = expectedLagMs({ medianMs: 300_000, p10Ms: 276_000, p90Ms: 324_000, samples: 8 }, 30_000);
 * ```
 */
export function expectedLagMs(expected: ExpectedEnd, maxIntervalMs: number): number {
  if (!(expected.medianMs > 0) || !(maxIntervalMs > 0)) return 0;
  const key =
    `${expected.medianMs}/${expected.p10Ms}/${expected.p90Ms}/${expected.samples}/${maxIntervalMs}`;
  const known = lags.get(key);
  if (known !== undefined) return known;
  const model = endModel(expected);
  const plan = pollPlan(model, maxIntervalMs, LAG_WEIGHT, LAG_GRID_STEPS);
  const lag = plan ? Math.round(planLag(model, plan)) : 0;
  if (lags.size >= MAX_LAGS) lags.clear();
  lags.set(key, lag);
  return lag;
}
