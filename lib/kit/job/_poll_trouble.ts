/**
 * Polls that ride out an outage: which failed polls do not end a wait, and saying once when a
 * job's polls start failing and once when they work again, not on every failed poll.
 */
import type { Clock } from "../clock.ts";
import { formatDuration } from "../duration.ts";
import type { ApiError } from "../errors.ts";
import { isTransientStatus } from "../api/retry.ts";
import type { RetryInfo } from "../api/types.ts";

/**
 * True when a poll that failed this way is polled again rather than ending the wait: no answer,
 * a transient status, an answer it could not use (a 2xx), a redirect, or a 404 while the job may
 * not be visible yet. A refusal (400, 401, 403, a later 404) ends it.
 */
export function pollMayRetry(error: ApiError, notFoundOk: boolean): boolean {
  const status = error.status;
  if (status === null || status < 400 || isTransientStatus(status)) return true;
  return status === 404 && notFoundOk;
}

/** One job's streak of failed polls. */
export interface PollTrouble {
  /** A poll failed (or is about to be retried): warns on the first of a streak. */
  failed(reason: string): void;
  /** A poll was answered: warns when it ends a streak. */
  answered(): void;
  /** For the client's `onRetry`: each retry of a poll is a failed poll. */
  onRetry(info: RetryInfo): void;
}

/**
 * Tracks failed polls of `jobId` and warns through `warn` at the start and the end of a streak.
 * `until` is the time the wait ends at (the deadline, or the end of a stop's grace).
 */
export function pollTrouble(
  jobId: string,
  options: {
    clock: Clock;
    warn: ((message: string) => void) | undefined;
    until: number;
    /** What the wait is, for the warning: "it ends or reaches its deadline". */
    waitingFor: string;
  },
): PollTrouble {
  const { clock, warn } = options;
  let since: number | null = null;
  let failures = 0;
  const failed = (reason: string) => {
    failures++;
    if (since !== null) return;
    since = clock.now();
    const left = Math.max(0, options.until - since);
    warn?.(
      `Polls of job ${jobId} are failing (${reason}); polling on with backoff until ` +
        `${options.waitingFor} (${formatDuration(left)} from now).`,
    );
  };
  return {
    failed,
    answered() {
      if (since === null) return;
      const took = clock.now() - since;
      warn?.(
        `Polls of job ${jobId} are answered again, after ${failures} failed ` +
          `${failures === 1 ? "attempt" : "attempts"} over ${formatDuration(took)}.`,
      );
      since = null;
      failures = 0;
    },
    onRetry(info) {
      failed(info.reason);
    },
  };
}
