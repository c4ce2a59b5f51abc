/** A poll's retries: how long it rides out failures, and which failures it rides out. */
import type { PollRetry } from "./retry.ts";

/** A poll's retry window in the client's time. */
export interface PollWindow {
  untilMs: number;
  notFoundUntilMs: number;
}

/** The window of a poll that started at `startedAt`. */
export function pollWindow(poll: PollRetry, startedAt: number): PollWindow {
  const forMs = Number.isFinite(poll.forMs) ? Math.max(0, poll.forMs) : Number.MAX_SAFE_INTEGER;
  const notFoundForMs = Math.min(forMs, Math.max(0, poll.notFoundForMs ?? 0));
  return { untilMs: startedAt + forMs, notFoundUntilMs: startedAt + notFoundForMs };
}

/**
 * What a poll rides out: whatever the client retries anyway, and an answer it could not use (too
 * big, malformed), a redirect (not followed), and a 404 while a new job may not be visible yet.
 * A refusal (400, 401, 403, a 404 after that, ...) still ends the wait at once.
 */
export function pollRidesOut(
  verdict: { status: number | null; transient: boolean; unusable: boolean },
  poll: PollWindow,
  now: number,
): boolean {
  if (verdict.transient || verdict.unusable) return true;
  const status = verdict.status;
  if (status === null) return true;
  if (status >= 300 && status < 400) return true;
  return status === 404 && now < poll.notFoundUntilMs;
}
