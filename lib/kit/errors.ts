/**
 * The few error classes tamr-refresh has, one for each condition a caller handles differently.
 * `main.ts` maps them to exit codes in one place (see `exitCodeFor`), from the contract's table.
 */
import { EXIT_CODES, type InterruptSignal } from "./run/outcome.ts";
import type { Job } from "./api/types.ts";

/**
 * Bad input: a flag, a config field, an environment variable. Exit 2; nothing was created.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type JobClient, refreshSource, UsageError } from "@tamr-refresh/kit";
 *
 * const client = {} as JobClient; // never reached: the ID is checked first
 * await assert.rejects(() => refreshSource(client, ""), UsageError);
 * ```
 */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
  /** The next step for the user, when there is one. */
  readonly hint: string | undefined;
  /** A sentence naming what is wrong and the value; `hint` says what to do instead. */
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }
}

/**
 * The API refused a request (400, 401, 403, 404, 409, ...) or stayed unreachable after retries.
 * `status` is null when no HTTP answer was had at all. Exit 4.
 *
 * @example
 * ```ts
 * import { ApiError, type Job, type JobClient } from "@tamr-refresh/kit";
 *
 * async function jobOrNull(client: JobClient, jobId: string): Promise<Job | null> {
 *   try {
 *     return await client.getJob(jobId);
 *   } catch (e) {
 *     if (e instanceof ApiError && e.status === 404) return null;
 *     throw e;
 *   }
 * }
 * ```
 */
export class ApiError extends Error {
  /** Always `"ApiError"`. */
  override name = "ApiError";
  /** The HTTP status, or null when no answer was had. */
  readonly status: number | null;
  /** The HTTP method of the request. */
  readonly method: string;
  /** The request path, e.g. `/api/v1beta1/jobs/job_1`. */
  readonly path: string;
  /** Tamr's own message from the error body, when there was one. */
  readonly tamrMessage: string | undefined;
  /** How many attempts were made. */
  readonly attempts: number;
  /**
   * True when the request was a create that may have reached the server (a timeout, a dropped
   * connection, a 5xx after the request was sent): the job may exist, so do not blindly re-send.
   */
  readonly ambiguous: boolean;
  /** How long the last answer's `Retry-After` asked to wait, when it had one (a 429, a 503). */
  readonly retryAfterMs: number | undefined;
  /** Builds the message from the request, the answer and the attempts; `cause` is kept. */
  constructor(init: {
    status: number | null;
    method: string;
    path: string;
    tamrMessage?: string | undefined;
    attempts?: number;
    ambiguous?: boolean;
    detail?: string;
    retryAfterMs?: number | undefined;
    cause?: unknown;
  }) {
    // The detail follows a colon, never in brackets: it may have brackets of its own.
    const why = init.tamrMessage ?? init.detail;
    const what = init.status === null
      ? `${init.method} ${init.path} got no answer${why ? `: ${why}` : ""}`
      : `${init.method} ${init.path} was answered ${init.status}${why ? `: ${why}` : ""}`;
    const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : "";
    super(`Tamr API request failed${tries}: ${what}`, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.tamrMessage = init.tamrMessage;
    this.attempts = init.attempts ?? 1;
    this.ambiguous = init.ambiguous ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * A job reached DONE with an error (including stopped by someone else). Exit 1.
 *
 * @example
 * ```ts
 * import { JobFailedError, type JobClient, refreshSource } from "@tamr-refresh/kit";
 *
 * async function reloadOrExplain(client: JobClient, sourceId: string): Promise<string> {
 *   try {
 *     await refreshSource(client, sourceId);
 *     return "reloaded";
 *   } catch (e) {
 *     if (e instanceof JobFailedError) return `${e.reason}: ${e.tamrMessage} (job ${e.jobId})`;
 *     throw e;
 *   }
 * }
 * ```
 */
export class JobFailedError extends Error {
  /** Always `"JobFailedError"`. */
  override name = "JobFailedError";
  /** The job that failed. */
  readonly jobId: string;
  /** Tamr's reason, e.g. `PLANNING_FAILED` or `STOPPED_BY_USER`. */
  readonly reason: string;
  /** Tamr's message for people. */
  readonly tamrMessage: string;
  /** The job as last seen (DONE with its error), when the poller had it. */
  readonly job: Job | undefined;
  /** From the failed job's id and Tamr's `status.error`. */
  constructor(jobId: string, reason: string, tamrMessage: string, job?: Job) {
    super(`Job ${jobId} failed with reason ${reason}: ${tamrMessage}`);
    this.jobId = jobId;
    this.reason = reason;
    this.tamrMessage = tamrMessage;
    this.job = job;
  }
}

/**
 * A job ran past its deadline (and was stopped unless asked to leave it running). Exit 3.
 *
 * @example
 * ```ts
 * import { JobTimeoutError } from "@tamr-refresh/kit";
 *
 * const e = new JobTimeoutError("job_1", 7_200_000, true);
 * // e.message: "Job job_1 ran past the timeout of 7200s and was stopped"
 * ```
 */
export class JobTimeoutError extends Error {
  /** Always `"JobTimeoutError"`. */
  override name = "JobTimeoutError";
  /** The job that ran too long. */
  readonly jobId: string;
  /** The deadline it ran past. */
  readonly timeoutMs: number;
  /** True when we stopped the job and saw it reach DONE. */
  readonly stopped: boolean;
  /** For `jobId`, past `timeoutMs`; `stopped` when we stopped it and saw it reach DONE. */
  constructor(jobId: string, timeoutMs: number, stopped: boolean) {
    super(
      `Job ${jobId} ran past the timeout of ${timeoutMs / 1000}s` +
        (stopped ? " and was stopped" : " and was left running"),
    );
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
    this.stopped = stopped;
  }
}

/**
 * The run was interrupted: by a signal, or by its output's reader going away (SIGPIPE). Exit
 * 128 + the signal's number: 129 (SIGHUP), 130 (SIGINT), 141 (SIGPIPE), 143 (SIGTERM). Abort a run's signal
 * with one as the reason to interrupt it.
 *
 * @example
 * ```ts
 * import { InterruptedError } from "@tamr-refresh/kit";
 *
 * const controller = new AbortController();
 * const onSigterm = () => controller.abort(new InterruptedError("SIGTERM"));
 * // Deno.addSignalListener("SIGTERM", onSigterm); then runPipeline({ ..., signal:
 * // controller.signal }) stops the jobs in flight and ends with exit code 143.
 * ```
 */
export class InterruptedError extends Error {
  /** Always `"InterruptedError"`. */
  override name = "InterruptedError";
  /** The signal that interrupted the run. */
  readonly signal: InterruptSignal;
  /** For the signal received; `message` says it otherwise (a quit from the dashboard is a SIGINT). */
  constructor(signal: InterruptSignal, message?: string) {
    super(
      message ??
        (signal === "SIGPIPE"
          ? "Interrupted: standard output was closed"
          : `Interrupted by ${signal}`),
    );
    this.signal = signal;
  }
}

/**
 * The exit code the contract gives each error; anything unexpected is 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitCodeFor, InterruptedError, JobFailedError, UsageError } from "@tamr-refresh/kit";
 *
 * assert.equal(exitCodeFor(new UsageError("--tenant is required")), 2);
 * assert.equal(exitCodeFor(new JobFailedError("job_1", "PLANNING_FAILED", "No file.")), 1);
 * assert.equal(exitCodeFor(new InterruptedError("SIGTERM")), 143);
 * assert.equal(exitCodeFor(new Error("a bug")), 1);
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT_CODES.usage;
  if (error instanceof JobFailedError) return EXIT_CODES.failed;
  if (error instanceof JobTimeoutError) return EXIT_CODES.timedOut;
  if (error instanceof ApiError) return EXIT_CODES.api;
  if (error instanceof InterruptedError) return EXIT_CODES[error.signal];
  return EXIT_CODES.failed;
}
