/**
 * Waiting for a Tamr job: poll `GET /jobs/{id}` until DONE, backing off between polls, riding out
 * an outage until the job's deadline, and stop the job when it runs past it. Time and the network
 * are passed in (a Clock, a JobClient).
 */
import { type Clock, realClock } from "../clock.ts";
import {
  DEFAULT_FIRST_POLL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
} from "../defaults.ts";
import { ApiError, JobFailedError, JobTimeoutError } from "../errors.ts";
import { isKnownState, type Job, type JobClient, type RetryInfo } from "../api/types.ts";
import { stopAndConfirm } from "./stop.ts";
import { pollSchedule } from "./poll_schedule.ts";
import { pollMayRetry, pollTrouble } from "./_poll_trouble.ts";

export { pollSchedule } from "./poll_schedule.ts";
export type { PollScheduleOptions, PollScheduleState } from "./poll_schedule.ts";

/**
 * How `waitForJob()` waits. Every field is optional.
 *
 * @example
 * ```ts
 * import type { WaitOptions } from "@tamr-refresh/kit";
 *
 * const overnight: WaitOptions = {
 *   timeoutMs: 8 * 3_600_000,
 *   maxIntervalMs: 60_000,
 *   leaveRunning: true,
 *   onWarning: (message) => Deno.stderr.writeSync(new TextEncoder().encode(`${message}\n`)),
 * };
 * ```
 */
export interface WaitOptions {
  /** Abort: reject at once with `signal.reason`. The caller stops the job itself. */
  signal?: AbortSignal;
  /** The deadline, measured from the call. Default 2 hours. */
  timeoutMs?: number;
  /** The longest wait between two polls (`--poll-interval`). Default 30 seconds. */
  maxIntervalMs?: number;
  /** The wait before the first poll. Default 1 second. */
  firstIntervalMs?: number;
  /** How much each wait grows over the one before. Default 1.5. */
  backoff?: number;
  /**
   * How long the job is expected to take (from earlier runs). When given, polls are aligned so
   * that one lands at the expected finish, and dense past it; see `pollSchedule()`.
   */
  expectedDurationMs?: number;
  /**
   * The job was created just now: for `NOT_YET_VISIBLE_MS` a 404 is taken for a job the API does
   * not show yet and it is polled again; after that (or without this) a 404 ends the wait.
   */
  justCreated?: boolean;
  /** Past the deadline, leave the job running instead of stopping it. */
  leaveRunning?: boolean;
  /** After stopping the job at the deadline, how long to keep polling for DONE (one grace for every stop). */
  stopGraceMs?: number;
  /** Called before each retry of a request made for this wait. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Where time comes from; every sleep goes through `clock.sleep(ms, signal)`. */
  clock?: Clock;
  /** Called with every job read. */
  onPoll?: (job: Job) => void;
  /**
   * Called with a sentence when something is odd but not fatal: an unknown state, a failed stop,
   * polls that start failing (once) and are answered again (once).
   */
  onWarning?: (message: string) => void;
  /** Called once, just before the job is stopped because it ran past the deadline. */
  onStopRequested?: (jobId: string) => void;
}

export const DEFAULT_BACKOFF = 1.5;

/** After a create, how long a 404 on a poll is taken for a job the API does not show yet. */
export const NOT_YET_VISIBLE_MS = 30_000;

/**
 * Polls a job until it is DONE and returns it.
 *
 * - DONE without `status.error`: resolves with the job.
 * - DONE with `status.error`: throws `JobFailedError` (reason, message, job id).
 * - Past `timeoutMs`: stops the job (unless `leaveRunning`), polls until DONE or `stopGraceMs`
 *   runs out, and throws `JobTimeoutError` (`stopped` says whether DONE was seen).
 * - A state it does not know (such as `STATE_UNSPECIFIED`) counts as not finished: it keeps
 *   polling at the normal pace and warns once.
 * - `signal` aborts: rejects at once with `signal.reason`; the job is left alone.
 * - A poll that fails for a while (no answer, 408/429/5xx, an HTML page, an oversize or malformed
 *   answer, a redirect) does not end the wait: the client retries it with backoff (up to its
 *   `maxDelayMs`, 30 s by default, `Retry-After` honoured within that) until the deadline, and
 *   the deadline is handled as above. `onWarning` hears once when polls start failing and once
 *   when they are answered again.
 * - A refusal (`ApiError` 400, 401, 403, or 404 unless `justCreated` and within
 *   `NOT_YET_VISIBLE_MS`) propagates at once, as does any other error of `client.getJob()`.
 *
 * @example
 * ```ts
 * import { waitForJob } from "./poller.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function waitQuietly(client: JobClient, jobId: string) {
 *   const job = await waitForJob(client, jobId, { maxIntervalMs: 10_000, timeoutMs: 3_600_000 });
 *   return job.status.state; // "DONE"
 * }
 * ```
 */
export async function waitForJob(
  client: JobClient,
  jobId: string,
  options: WaitOptions = {},
): Promise<Job> {
  const clock = options.clock ?? realClock;
  const signal = options.signal;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxIntervalMs = options.maxIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const firstIntervalMs = options.firstIntervalMs ?? DEFAULT_FIRST_POLL_MS;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  checkWaitOptions({ timeoutMs, maxIntervalMs, firstIntervalMs, stopGraceMs, backoff }, options);
  if (signal?.aborted) throw signal.reason;

  const start = clock.now();
  const deadline = start + timeoutMs;
  const notFoundUntil = options.justCreated ? start + NOT_YET_VISIBLE_MS : start;
  const trouble = pollTrouble(jobId, {
    clock,
    warn: options.onWarning,
    until: deadline,
    waitingFor: "it ends or reaches its deadline",
  });
  const onRetry = (info: RetryInfo) => {
    options.onRetry?.(info);
    trouble.onRetry(info);
  };
  let warnedUnknown = false;
  const read = async (): Promise<Job> => {
    if (signal?.aborted) throw signal.reason;
    const now = clock.now();
    // The client rides out an outage until the deadline: one retry loop, never two multiplied.
    const poll = {
      forMs: Math.max(0, deadline - now),
      notFoundForMs: Math.max(0, notFoundUntil - now),
    };
    const job = await untilAborted(client.getJob(jobId, { signal, onRetry, poll }), signal);
    trouble.answered();
    options.onPoll?.(job);
    const state: unknown = job.status?.state;
    if (!warnedUnknown && (typeof state !== "string" || !isKnownState(state))) {
      warnedUnknown = true;
      options.onWarning?.(
        `Job ${jobId} is in a state tamr-refresh does not know (${JSON.stringify(state)}); ` +
          `treating it as not finished and polling on.`,
      );
    }
    return job;
  };

  const schedule = { firstIntervalMs, maxIntervalMs, backoff, ...expectedOf(options) };
  let polls = 0;
  for (;;) {
    const remaining = deadline - clock.now();
    if (remaining <= 0) break;
    const delay = pollSchedule({ polls, elapsedMs: clock.now() - start }, schedule);
    await clock.sleep(Math.min(delay, remaining), signal);
    let job: Job;
    try {
      job = await read();
    } catch (error) {
      // Our client gives up on a failing poll only at the deadline; another JobClient may give up
      // sooner: either way the wait goes on (at the poll schedule's pace) until the deadline.
      if (signal?.aborted || !(error instanceof ApiError)) throw error;
      if (!pollMayRetry(error, clock.now() < notFoundUntil)) throw error;
      if (clock.now() < deadline) trouble.failed(error.message);
      polls++;
      continue;
    }
    polls++;
    if (isDone(job)) return finished(job);
  }

  if (options.leaveRunning) throw new JobTimeoutError(jobId, timeoutMs, false);
  options.onStopRequested?.(jobId);
  const stop = await stopAndConfirm(client, jobId, {
    clock,
    signal,
    graceMs: stopGraceMs,
    maxIntervalMs,
    onRetry: options.onRetry,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (!stop.confirmed) {
    if (signal?.aborted) throw signal.reason;
    options.onWarning?.(
      `Could not stop job ${jobId} after it ran past the timeout, so it may still be running: ${stop.why}`,
    );
    throw new JobTimeoutError(jobId, timeoutMs, false);
  }
  options.onPoll?.(stop.job);
  // Stop is asynchronous: a job that reached DONE without an error after it was asked to stop
  // succeeded.
  if (!stop.job.status.error) return stop.job;
  throw new JobTimeoutError(jobId, timeoutMs, true);

  function finished(job: Job): Job {
    const error = job.status.error;
    if (!error) return job;
    const reason = typeof error.reason === "string" && error.reason ? error.reason : "UNKNOWN";
    const message = typeof error.message === "string" && error.message
      ? error.message
      : "Tamr gave no message.";
    throw new JobFailedError(jobId, reason, message);
  }
}

function isDone(job: Job): boolean {
  return job.status?.state === "DONE";
}

function expectedOf(options: WaitOptions): { expectedDurationMs?: number } {
  return options.expectedDurationMs === undefined
    ? {}
    : { expectedDurationMs: options.expectedDurationMs };
}

function checkWaitOptions(
  o: {
    timeoutMs: number;
    maxIntervalMs: number;
    firstIntervalMs: number;
    stopGraceMs: number;
    backoff: number;
  },
  options: WaitOptions,
): void {
  const { timeoutMs, maxIntervalMs, firstIntervalMs, stopGraceMs, backoff } = o;
  requirePositive("timeoutMs", timeoutMs, true);
  requirePositive("maxIntervalMs", maxIntervalMs, false);
  requirePositive("firstIntervalMs", firstIntervalMs, false);
  requirePositive("stopGraceMs", stopGraceMs, true);
  if (!Number.isFinite(backoff) || backoff < 1) {
    throw new RangeError(
      `Cannot poll job: 'backoff' must be a number of at least 1, got ${backoff}`,
    );
  }
  if (options.expectedDurationMs !== undefined) {
    requirePositive("expectedDurationMs", options.expectedDurationMs, false);
  }
}

function requirePositive(name: string, value: number, infinityOk: boolean): void {
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`Cannot poll job: '${name}' must be a positive number, got ${value}`);
  }
  if (!infinityOk && !Number.isFinite(value)) {
    throw new RangeError(`Cannot poll job: '${name}' must be a finite number, got ${value}`);
  }
}

/** Settles like `promise`, but rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(outcomeIsMoot);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(outcomeIsMoot);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Once the wait rejected with the abort reason, the request it abandoned still settles later and
 * nobody reads it; its failure (usually the same abort) is moot and must not surface as an
 * unhandled rejection.
 */
function outcomeIsMoot(_error: unknown): void {
  return;
}
