/**
 * Backoff maths for the job client: which statuses are transient, exponential backoff with full
 * jitter, `Retry-After` parsing, and the decision to retry or give up, for one request and for a
 * poll that rides out an outage until its job's deadline. Pure: time and randomness are passed in.
 */
import { UsageError } from "../errors.ts";

/**
 * How hard to retry, bounded in attempts and in total elapsed time.
 *
 * @example
 * ```ts
 * import { createJobClient, type RetryPolicy } from "@tamr-refresh/kit";
 *
 * const patient: Partial<RetryPolicy> = { maxAttempts: 10, maxElapsedMs: 600_000 };
 * export const patientClient = (apiKey: string) =>
 *   createJobClient({ baseUrl: "https://acme.tamr.cloud", apiKey, retry: patient });
 * ```
 */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** No retry is started once this much time has passed since the first attempt. */
  maxElapsedMs: number;
  /** The backoff cap of the first retry; it doubles with each retry. */
  baseDelayMs: number;
  /** No single wait is longer than this, `Retry-After` included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 6,
  maxElapsedMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** Fills in the defaults and checks every number, naming the one that is wrong. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: partial.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    maxElapsedMs: partial.maxElapsedMs ?? DEFAULT_RETRY_POLICY.maxElapsedMs,
    baseDelayMs: partial.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: partial.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new UsageError(
      `Cannot create the job client: 'retry.maxAttempts' must be a whole number of at least 1, got ${policy.maxAttempts}`,
    );
  }
  for (const key of ["maxElapsedMs", "baseDelayMs", "maxDelayMs"] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new UsageError(
        `Cannot create the job client: 'retry.${key}' must be a finite number of milliseconds of at least 0, got ${value}`,
      );
    }
  }
  return policy;
}

/** The statuses worth trying again: timeouts, rate limiting and the usual gateway failures. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status);
}

/**
 * The wait before retry number `attempt` (1 for the wait after the first attempt), with full
 * jitter: `random() * min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const { cap, r } = capAndDraw(attempt, policy, random);
  return r * cap;
}

/** The exponential cap for retry `attempt`, and a draw from `random` clamped to [0, 1]. */
function capAndDraw(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): { cap: number; r: number } {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return { cap, r: Math.min(Math.max(random(), 0), 1) };
}

/**
 * Reads a `Retry-After` header into milliseconds from `nowMs`: delta-seconds (`120`) or an HTTP
 * date (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past gives 0). Anything else, or no
 * header, gives undefined.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always has a day or month name; this keeps "5.5" from reading as a date.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export type RetryDecision =
  | { retry: true; delayMs: number; source: "retry-after" | "backoff" }
  | { retry: false; why: string };

/**
 * Whether to try again after failed attempt number `attempt` (1-based), and how long to wait.
 * A `Retry-After` is used as the delay (capped at maxDelayMs), unless it is longer than the time
 * left, in which case waiting would be pointless and the answer is to give up.
 */
export function decideRetry(input: {
  attempt: number;
  startedAt: number;
  now: number;
  retryAfterMs?: number | undefined;
  policy: RetryPolicy;
  random: () => number;
}): RetryDecision {
  const { attempt, policy } = input;
  if (attempt >= policy.maxAttempts) {
    return { retry: false, why: `no attempts left (${policy.maxAttempts} allowed)` };
  }
  const elapsed = Math.max(0, input.now - input.startedAt);
  const remaining = policy.maxElapsedMs - elapsed;
  if (remaining <= 0) {
    return { retry: false, why: `the retry time budget of ${policy.maxElapsedMs}ms is spent` };
  }
  if (input.retryAfterMs !== undefined) {
    if (input.retryAfterMs > remaining) {
      return {
        retry: false,
        why: `the server asked to wait ${Math.ceil(input.retryAfterMs / 1000)}s, longer than the ${
          Math.floor(remaining / 1000)
        }s left to retry`,
      };
    }
    return {
      retry: true,
      delayMs: Math.min(input.retryAfterMs, policy.maxDelayMs),
      source: "retry-after",
    };
  }
  const delayMs = backoffDelay(attempt, policy, input.random);
  if (delayMs > remaining) {
    return { retry: false, why: `the retry time budget of ${policy.maxElapsedMs}ms is spent` };
  }
  return { retry: true, delayMs, source: "backoff" };
}

/**
 * How a poll (`GET /jobs/{id}` while waiting for a job) rides out an outage: instead of the
 * client's attempts and time budget, it retries until `forMs` has passed, waiting with
 * exponential backoff up to the client's `maxDelayMs` (30 s by default, as Tamr advises). Besides
 * the transient statuses it retries what a poll can safely ask again after: a network error, an
 * answer that is oversize, malformed or not JSON, and a redirect (never followed).
 *
 * @example
 * ```ts
 * import type { JobClient, PollRetry } from "@tamr-refresh/kit";
 *
 * // Ride out an outage for up to ten minutes; a 404 in the first 30 s means "not visible yet".
 * const poll: PollRetry = { forMs: 600_000, notFoundForMs: 30_000 };
 * export const read = (client: JobClient, jobId: string) => client.getJob(jobId, { poll });
 * ```
 */
export interface PollRetry {
  /** Retry for this long from the first attempt (the time left until the job's deadline). */
  forMs: number;
  /**
   * For this long from the first attempt a 404 is retried too: a job just created may not be
   * visible yet. Default 0: a 404 is an error at once.
   */
  notFoundForMs?: number;
}

/**
 * The wait before poll retry number `attempt` (1 for the wait after the first attempt), with
 * equal jitter: between half of and the whole of `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`,
 * so a long outage is polled about every `maxDelayMs`, never in a burst.
 */
export function pollBackoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const { cap, r } = capAndDraw(attempt, policy, random);
  return cap / 2 + (r * cap) / 2;
}

/**
 * Whether a poll tries again after failed attempt number `attempt`, and how long it waits: the
 * backoff, or longer when `Retry-After` asks for more, but never more than `maxDelayMs` and never
 * past `untilMs` (so the last attempt lands on it). At or past `untilMs` it gives up.
 */
export function decidePollRetry(input: {
  attempt: number;
  now: number;
  untilMs: number;
  retryAfterMs?: number | undefined;
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">;
  random: () => number;
}): RetryDecision {
  const remaining = input.untilMs - input.now;
  if (remaining <= 0) {
    return { retry: false, why: "the wait for the job reached its deadline" };
  }
  const backoff = pollBackoffDelay(input.attempt, input.policy, input.random);
  const asked = input.retryAfterMs ?? 0;
  const wanted = Math.min(input.policy.maxDelayMs, Math.max(backoff, asked));
  return {
    retry: true,
    delayMs: Math.min(wanted, remaining),
    source: asked > backoff ? "retry-after" : "backoff",
  };
}
