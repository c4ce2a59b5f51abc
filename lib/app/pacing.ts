/** How a run is paced: what the settings resolve and the journal keeps for `--resume`. */

/** How a run is paced; the journal keeps it so `--resume --state FILE` runs the same way. */
export interface Pacing {
  /** Source jobs at once, 1–50. */
  concurrency: number;
  /** The longest wait between two polls of a job. */
  pollIntervalMs: number;
  /** Per job. */
  timeoutMs: number;
  /** Per HTTP request. */
  requestTimeoutMs: number;
}

/** The pacing part of settings, as the journal keeps it. */
export function pacingOf(s: Pacing): Pacing {
  return {
    concurrency: s.concurrency,
    pollIntervalMs: s.pollIntervalMs,
    timeoutMs: s.timeoutMs,
    requestTimeoutMs: s.requestTimeoutMs,
  };
}
