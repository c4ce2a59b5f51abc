/**
 * The one stop-and-confirm: ask Tamr to stop a job, then poll until it says DONE or the grace
 * period runs out. The poller (at a job's deadline), the runner (on an interrupt) and `jobs stop`
 * all stop jobs through it, with the same grace and the same pace.
 */
import { type Clock, realClock } from "../clock.ts";
import { DEFAULT_STOP_GRACE_MS } from "../defaults.ts";
import { ApiError } from "../errors.ts";
import type { Job, JobClient, RetryInfo } from "../api/types.ts";
import { pollMayRetry, pollTrouble } from "./_poll_trouble.ts";

/**
 * How `stopAndConfirm()` stops a job. Every field is optional.
 *
 * @example
 * ```ts
 * import type { StopOptions } from "@tamr-refresh/kit";
 *
 * const patient: StopOptions = { graceMs: 10 * 60_000, maxIntervalMs: 5_000 };
 * ```
 */
export interface StopOptions {
  /** Where time comes from. */
  clock?: Clock;
  /** Abort to give up at once (the second signal). */
  signal?: AbortSignal | undefined;
  /** How long to keep polling for DONE after the stop was accepted. */
  graceMs?: number;
  /** The longest wait between two polls while stopping (default 5 seconds). */
  maxIntervalMs?: number;
  /** Called before each retry of a request made for this stop. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Called once when the polls for DONE start failing, and once when they are answered again. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * How a stop went: DONE seen (with the job as Tamr says it ended), or not, and why.
 *
 * @example
 * ```ts
 * import type { StopResult } from "@tamr-refresh/kit";
 *
 * const line = (r: StopResult) => r.confirmed ? `${r.job.jobId} DONE` : `not confirmed: ${r.why}`;
 * ```
 */
export type StopResult =
  | { confirmed: true; job: Job }
  | { confirmed: false; why: string };

/** Polls after a stop request: about a second at first, backing off to 5 seconds. */
const FIRST_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 5_000;
const BACKOFF = 1.5;

/**
 * Asks Tamr to stop `jobId` and polls until it is DONE. A job already DONE stays as it ended; a
 * job that reaches DONE without an error after the stop succeeded (stop is asynchronous). The polls
 * ride out an outage (no answer, 5xx, an unusable answer) until the grace runs out; a refused poll
 * (401, 403, 404, 400) ends the wait at once. Never throws for the API: a refused stop or poll, or a
 * grace that ran out, is `{ confirmed: false, why }`.
 *
 * @example
 * ```ts
 * import { type JobClient, stopAndConfirm } from "@tamr-refresh/kit";
 *
 * export async function stopIt(client: JobClient, jobId: string): Promise<string> {
 *   const result = await stopAndConfirm(client, jobId, { graceMs: 60_000 });
 *   return result.confirmed ? (result.job.status.error?.reason ?? "SUCCEEDED") : result.why;
 * }
 * ```
 */
export async function stopAndConfirm(
  client: JobClient,
  jobId: string,
  options: StopOptions = {},
): Promise<StopResult> {
  const clock = options.clock ?? realClock;
  const signal = options.signal;
  const request = { signal, onRetry: options.onRetry };
  const graceMs = options.graceMs ?? DEFAULT_STOP_GRACE_MS;
  const maxInterval = Math.min(options.maxIntervalMs ?? MAX_INTERVAL_MS, MAX_INTERVAL_MS);
  try {
    await client.stopJob(jobId, request);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { confirmed: false, why: error.message };
  }
  const end = clock.now() + graceMs;
  const trouble = pollTrouble(jobId, {
    clock,
    warn: options.onWarning,
    until: end,
    waitingFor: "it is DONE or the stop's grace runs out",
  });
  const onRetry = (info: RetryInfo) => {
    options.onRetry?.(info);
    trouble.onRetry(info);
  };
  let wait = Math.min(FIRST_INTERVAL_MS, maxInterval);
  let lastProblem = `it was not DONE within ${Math.round(graceMs / 1000)}s`;
  for (;;) {
    const remaining = end - clock.now();
    if (remaining <= 0) return { confirmed: false, why: lastProblem };
    await clock.sleep(Math.min(wait, remaining), signal);
    wait = Math.min(maxInterval, wait * BACKOFF);
    try {
      // The client rides out an outage until the grace runs out: one retry loop, not two.
      const poll = { forMs: Math.max(0, end - clock.now()) };
      const job = await client.getJob(jobId, { signal, onRetry, poll });
      trouble.answered();
      if (job.status?.state === "DONE") return { confirmed: true, job };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (!pollMayRetry(error, false)) return { confirmed: false, why: error.message };
      if (clock.now() < end) trouble.failed(error.message);
      lastProblem = error.message;
    }
  }
}
