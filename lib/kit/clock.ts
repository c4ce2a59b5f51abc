/**
 * Time as an effect: the poller, retries and the runner take a Clock so tests can pass a fake one.
 * The job client's per-request deadline is a sleep on its clock too: with a clock whose sleeps
 * end at once (below), every request that is not answered within the same turn times out. Give
 * the client a clock that moves time on only once nothing else can happen (the simulator's
 * VirtualClock does), or the real one.
 *
 * @example
 * ```ts
 * import type { Clock } from "@tamr-refresh/kit";
 *
 * // A clock whose sleeps take no real time: they move `now` forward instead.
 * let now = Date.UTC(2026, 0, 1);
 * const fakeClock: Clock = {
 *   now: () => now,
 *   sleep: (ms) => {
 *     now += ms;
 *     return Promise.resolve();
 *   },
 * };
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Sleeps on real timers; an aborted signal rejects at once and clears the timer. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The real clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: abortableSleep,
};
