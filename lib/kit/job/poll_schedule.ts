/**
 * When to poll a job next: a pure function of how many polls were made and how long the wait has
 * gone on, so the schedule can be tested alone.
 */

/** The numbers `pollSchedule()` works from. */
export interface PollScheduleOptions {
  firstIntervalMs: number;
  maxIntervalMs: number;
  backoff: number;
  expectedDurationMs?: number | undefined;
}

/** Where a wait is: how many polls were made and how long it has been going. */
export interface PollScheduleState {
  /** Polls made so far (0 before the first). */
  polls: number;
  /** Milliseconds since the wait began. */
  elapsedMs: number;
}

/**
 * With an expected duration: once past it, polls start this share of it apart. Modelled on
 * durations varying ±10% from their history, 3% makes about as many requests as polling every
 * `maxIntervalMs` while noticing the end in 60% of the time.
 */
const LATE_SHARE = 0.03;
/** A wait this short means "now": the poll is aligned already (timers and floats are inexact). */
const SLIVER_MS = 1;

/**
 * The wait before the next poll, in milliseconds. Pure, so the schedule can be tested alone.
 *
 * Without `expectedDurationMs`: `firstIntervalMs`, then each wait `backoff` times the one before,
 * never more than `maxIntervalMs` (1s, 1.5s, 2.25s, ... 30s, 30s, ...).
 *
 * With `expectedDurationMs` (E, from earlier runs): polls are spaced `maxIntervalMs` apart and
 * aligned backwards from E, so that one lands exactly when the job is expected to end (E from
 * the wait's start; waits never exceed `maxIntervalMs`, so an early finish is noticed as fast as
 * without history). Aligned, the wait costs `ceil(E / maxIntervalMs)` polls, one fewer than
 * polling at once and then every `maxIntervalMs`. Past E the job is late: polls come about 3% of
 * E apart (at least `firstIntervalMs`) and back off geometrically up to `maxIntervalMs`.
 *
 * @example
 * ```ts
 * import { pollSchedule } from "./poll_schedule.ts";
 *
 * const options = { firstIntervalMs: 1000, maxIntervalMs: 30_000, backoff: 1.5 };
 * const second = pollSchedule({ polls: 1, elapsedMs: 1000 }, options); // 1500
 * ```
 */
export function pollSchedule(state: PollScheduleState, options: PollScheduleOptions): number {
  const max = options.maxIntervalMs;
  const first = Math.min(options.firstIntervalMs, max);
  const expected = options.expectedDurationMs;
  if (expected === undefined || expected <= 0) {
    return Math.min(max, first * options.backoff ** Math.max(0, state.polls));
  }
  const elapsed = Math.max(0, state.elapsedMs);
  const untilEnd = expected - elapsed;
  if (untilEnd > SLIVER_MS) {
    // Sparse, aligned on the expected end: the remainder of the time left, or a whole interval.
    const wait = untilEnd % max;
    return wait > SLIVER_MS ? wait : max;
  }
  // Late: dense at first, then each wait a share of the time since the expected end.
  const dense = Math.min(max, Math.max(first, expected * LATE_SHARE));
  return Math.min(max, Math.max(dense, (elapsed - expected) * (options.backoff - 1)));
}
