/**
 * Waiting for a Tamr job: poll `GET /jobs/{id}` until DONE, backing off between polls, riding out
 * an outage until the job's deadline, and stop the job when it runs past it. Time and the network
 * are passed in (a Clock, a JobClient). Its parts: the options (`wait_options.ts`) and their
 * checks, one poll (`_job_reader.ts`) and the stop at the deadline (`_stop_at_deadline.ts`).
 */
import { type Clock, realClock } from "../clock.ts";
import {
  DEFAULT_FIRST_POLL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
} from "../defaults.ts";
import { ApiError, JobFailedError } from "../errors.ts";
import type { Job, JobClient } from "../api/types.ts";
import { pollSchedule, type PollScheduleOptions } from "./poll_schedule.ts";
import { pollMayRetry, pollTrouble } from "./_poll_trouble.ts";
import { checkWaitOptions } from "./_check_wait_options.ts";
import { jobReader } from "./_job_reader.ts";
import { stopAtDeadline } from "./_stop_at_deadline.ts";
import { DEFAULT_BACKOFF, NOT_YET_VISIBLE_MS, type WaitOptions } from "./wait_options.ts";

export { pollSchedule } from "./poll_schedule.ts";
export type { PollScheduleOptions, PollScheduleState } from "./poll_schedule.ts";
export { DEFAULT_BACKOFF, NOT_YET_VISIBLE_MS } from "./wait_options.ts";
export type { ExpectedEnd, WaitOptions } from "./wait_options.ts";

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
  const heard = hearing(clock, signal, options.shared !== undefined);
  const shared = options.shared?.join(jobId, (job) => heard.hear(job)) ?? null;
  const reader = jobReader(client, jobId, options, {
    clock,
    deadline,
    notFoundUntil,
    trouble,
    shared,
  });

  const schedule = { firstIntervalMs, maxIntervalMs, backoff, ...expectedOf(options) };
  const began = beganAt(options.jobStartedAt, clock.now());
  let origin = began(null);
  let polls = 0;
  try {
    for (;;) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) break;
      const delay = polls === 0 && options.pollAtOnce
        ? 0
        : pollSchedule({ polls, elapsedMs: clock.now() - origin }, schedule);
      const wait = Math.min(delay, remaining);
      shared?.due(clock.now() + wait);
      // Another wait's poll may bring this job first: then it is seen without a request of ours.
      const brought = await heard.nap(wait);
      let job: Job;
      try {
        // How a job ended is read from the job itself, never from another wait's list.
        job = brought === null
          ? await reader.read()
          : reader.take(isDone(brought) ? await reader.fetch() : brought);
      } catch (error) {
        // Our client gives up on a failing poll only at the deadline; another JobClient may give
        // up sooner: either way the wait goes on (at the poll schedule's pace) until the deadline.
        if (signal?.aborted || !(error instanceof ApiError)) throw error;
        if (!pollMayRetry(error, clock.now() < notFoundUntil)) throw error;
        if (clock.now() < deadline) trouble.failed(error.message);
        polls++;
        continue;
      }
      polls++;
      if (isDone(job)) return finished(job, jobId);
      origin = began(job);
    }
  } finally {
    shared?.leave();
  }

  return await stopAtDeadline(client, jobId, options, {
    clock,
    timeoutMs,
    stopGraceMs,
    maxIntervalMs,
  });
}

/**
 * A wait's sleep that news of its job ends early: `hear` is called with the job as another wait's
 * poll brought it, `nap` sleeps until then or for `ms`, and returns what was heard (null: nothing).
 * Without shared polls there is nothing to hear: a plain sleep.
 */
function hearing(clock: Clock, signal: AbortSignal | undefined, shared: boolean) {
  let heard: Job | null = null;
  let wake: AbortController | null = null;
  const sleep = async (ms: number) => {
    const woken = new AbortController();
    const forward = () => woken.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    wake = woken;
    try {
      await clock.sleep(ms, woken.signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!woken.signal.aborted) throw error;
    } finally {
      wake = null;
      signal?.removeEventListener("abort", forward);
    }
  };
  return {
    hear(job: Job) {
      heard = job;
      wake?.abort();
    },
    async nap(ms: number): Promise<Job | null> {
      if (!shared) {
        await clock.sleep(ms, signal);
        return null;
      }
      if (signal?.aborted) throw signal.reason;
      if (heard === null) await sleep(ms);
      const job = heard;
      heard = null;
      return job;
    },
  };
}

/**
 * When the job began, on our clock: `jobStartedAt` when a number, else read from the job polled
 * (kept once known); never later than the wait's start.
 */
function beganAt(
  given: WaitOptions["jobStartedAt"],
  start: number,
): (job: Job | null) => number {
  let known = typeof given === "number" && Number.isFinite(given) ? Math.min(given, start) : null;
  return (job) => {
    if (known === null && job !== null && typeof given === "function") {
      const t = given(job);
      if (t !== null && Number.isFinite(t)) known = Math.min(t, start);
    }
    return known ?? start;
  };
}

/** A DONE job: returned when it succeeded, else `JobFailedError` with Tamr's reason and message. */
function finished(job: Job, jobId: string): Job {
  const error = job.status.error;
  if (!error) return job;
  const reason = typeof error.reason === "string" && error.reason ? error.reason : "UNKNOWN";
  const message = typeof error.message === "string" && error.message
    ? error.message
    : "Tamr gave no message.";
  throw new JobFailedError(jobId, reason, message, job);
}

function isDone(job: Job): boolean {
  return job.status?.state === "DONE";
}

/** What the schedule needs to know of the job's usual duration. */
function expectedOf(
  options: WaitOptions,
): Pick<PollScheduleOptions, "expected" | "expectedDurationMs"> {
  return {
    ...(options.expected === undefined ? {} : { expected: { ...options.expected } }),
    ...(options.expectedDurationMs === undefined
      ? {}
      : { expectedDurationMs: options.expectedDurationMs }),
  };
}
