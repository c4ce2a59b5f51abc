/**
 * The few error classes tamr-refresh has, one for each condition a caller handles differently.
 * `main.ts` maps them to exit codes in one place (see `exitCodeFor`).
 */

/** Bad input: a flag, a config field, an environment variable. Exit 2; nothing was created. */
export class UsageError extends Error {
  override name = "UsageError";
  /** The next step for the user, when there is one. */
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }
}

/**
 * The API refused a request (400, 401, 403, 404, 409, ...) or stayed unreachable after retries.
 * `status` is null when no HTTP answer was had at all. Exit 4.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number | null;
  readonly method: string;
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
  constructor(init: {
    status: number | null;
    method: string;
    path: string;
    tamrMessage?: string | undefined;
    attempts?: number;
    ambiguous?: boolean;
    detail?: string;
    cause?: unknown;
  }) {
    const what = init.status === null
      ? `${init.method} ${init.path} got no answer${init.detail ? ` (${init.detail})` : ""}`
      : `${init.method} ${init.path} was answered ${init.status}${
        init.tamrMessage ? `: ${init.tamrMessage}` : init.detail ? ` (${init.detail})` : ""
      }`;
    const tries = (init.attempts ?? 1) > 1 ? ` after ${init.attempts} attempts` : "";
    super(`Tamr API request failed: ${what}${tries}`, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.tamrMessage = init.tamrMessage;
    this.attempts = init.attempts ?? 1;
    this.ambiguous = init.ambiguous ?? false;
  }
}

/** A job reached DONE with an error (including stopped by someone else). Exit 1. */
export class JobFailedError extends Error {
  override name = "JobFailedError";
  readonly jobId: string;
  readonly reason: string;
  readonly tamrMessage: string;
  constructor(jobId: string, reason: string, tamrMessage: string) {
    super(`Job ${jobId} failed with reason ${reason}: ${tamrMessage}`);
    this.jobId = jobId;
    this.reason = reason;
    this.tamrMessage = tamrMessage;
  }
}

/** A job ran past its deadline (and was stopped unless asked to leave it running). Exit 3. */
export class JobTimeoutError extends Error {
  override name = "JobTimeoutError";
  readonly jobId: string;
  readonly timeoutMs: number;
  /** True when we stopped the job and saw it reach DONE. */
  readonly stopped: boolean;
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

/** The run was interrupted by a signal. Exit 130 (SIGINT) or 143 (SIGTERM). */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  readonly signal: "SIGINT" | "SIGTERM";
  constructor(signal: "SIGINT" | "SIGTERM") {
    super(`Interrupted by ${signal}`);
    this.signal = signal;
  }
}

/** The exit code the contract gives each error; anything unexpected is 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof JobFailedError) return 1;
  if (error instanceof JobTimeoutError) return 3;
  if (error instanceof ApiError) return 4;
  if (error instanceof InterruptedError) return error.signal === "SIGINT" ? 130 : 143;
  return 1;
}
