/** The Tamr Cloud Jobs API's shapes, as far as tamr-refresh relies on them. Unknown fields are kept and ignored. */
import type { PollRetry } from "./retry.ts";
import type { ListJobsOptions } from "./list_jobs_options.ts";

export type { ListJobsOptions } from "./list_jobs_options.ts";

/**
 * Tamr's documented job states. A DONE job may have succeeded, failed or been stopped.
 *
 * @example
 * ```ts
 * import type { KnownJobState } from "@tamr-refresh/kit";
 *
 * const finished: KnownJobState = "DONE";
 * ```
 */
export type KnownJobState = "PENDING" | "RUNNING" | "STOPPING" | "DONE";

/**
 * A job's state: one of Tamr's known states, or any other string (a state we do not know yet,
 * such as `STATE_UNSPECIFIED`), which counts as not finished.
 *
 * @example
 * ```ts
 * import type { JobState } from "@tamr-refresh/kit";
 *
 * const isDone = (state: JobState) => state === "DONE";
 * ```
 */
export type JobState = KnownJobState | (string & Record<never, never>);

/**
 * Tamr's error on a DONE job that did not succeed.
 *
 * @example
 * ```ts
 * import type { JobError } from "@tamr-refresh/kit";
 *
 * const stopped: JobError = { reason: "STOPPED_BY_USER", message: "The job was stopped by a user." };
 * ```
 */
export interface JobError {
  /** An UPPER_SNAKE_CASE reason, e.g. `PLANNING_FAILED` or `STOPPED_BY_USER`. */
  reason: string;
  /** Tamr's message for people. */
  message: string;
}

/**
 * A job's current state, since when, and its error once DONE without success.
 *
 * @example
 * ```ts
 * import type { JobStatus } from "@tamr-refresh/kit";
 *
 * const succeeded = (s: JobStatus) => s.state === "DONE" && !s.error;
 * ```
 */
export interface JobStatus {
  /** The state now. */
  state: JobState;
  /** When the job entered this state, RFC 3339. */
  stateStartTime?: string;
  /** Set on a DONE job that failed or was stopped. */
  error?: JobError | null;
}

/**
 * One state a job went through, in `statusHistory`.
 *
 * @example
 * ```ts
 * import type { StatusHistoryEntry } from "@tamr-refresh/kit";
 *
 * const pending: StatusHistoryEntry = { state: "PENDING", stateStartTime: "2026-01-01T12:00:00Z" };
 * ```
 */
export interface StatusHistoryEntry {
  /** The state. */
  state: JobState;
  /** When the job entered it, RFC 3339. */
  stateStartTime?: string;
}

/**
 * What a job does: exactly one kind per job.
 *
 * @example
 * ```ts
 * import type { JobConfiguration } from "@tamr-refresh/kit";
 *
 * const reload: JobConfiguration = { load: { sourceId: "src_crm" } };
 * const run: JobConfiguration = { update: { dataProductId: "dp_customers" } };
 * const index: JobConfiguration = { update: { workflowId: "wf_customers_sor" } };
 * const publish: JobConfiguration = {
 *   publish: { destinationId: "dest_snowflake", dataProductId: "dp_customers" },
 * };
 * ```
 */
export type JobConfiguration =
  | { load: { sourceId: string } }
  | { update: { dataProductId: string } }
  | { update: { workflowId: string } }
  | { publish: { destinationId: string; dataProductId: string } };

/**
 * A Tamr job, as the Jobs API returns it (unknown fields are kept and ignored).
 *
 * @example
 * ```ts
 * import type { Job } from "@tamr-refresh/kit";
 *
 * const failure = (job: Job) =>
 *   job.status.state === "DONE" && job.status.error ? job.status.error.reason : null;
 * ```
 */
export interface Job {
  /** The job's id, `job_...`. */
  jobId: string;
  /** What the job does, as it was created. */
  configuration: JobConfiguration;
  /** Where the job is now. */
  status: JobStatus;
  /** The states it went through, oldest first. */
  statusHistory?: StatusHistoryEntry[];
}

/** One page of `GET /jobs`. */
export interface JobPage {
  jobs: Job[];
  nextPageToken?: string;
}

export const KNOWN_STATES: readonly KnownJobState[] = ["PENDING", "RUNNING", "STOPPING", "DONE"];

/** True when `state` is one of Tamr's documented states. */
export function isKnownState(state: string): state is KnownJobState {
  return (KNOWN_STATES as readonly string[]).includes(state);
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

/**
 * Per-request options every client call takes.
 *
 * @example
 * ```ts
 * import type { JobClient, RequestOptions } from "@tamr-refresh/kit";
 *
 * async function getWithin(client: JobClient, jobId: string, ms: number, log: string[]) {
 *   const options: RequestOptions = {
 *     signal: AbortSignal.timeout(ms),
 *     onRetry: (r) => log.push(`${jobId}: retrying in ${r.delayMs}ms (${r.reason})`),
 *   };
 *   return await client.getJob(jobId, options);
 * }
 * ```
 */
export interface RequestOptions {
  /** Aborts the request (and its retries). */
  signal?: AbortSignal | undefined;
  /**
   * Called just before each retry of this request, after the client's own `onRetry`: lets a
   * caller tell whose request it was (the runner tags retries with their step).
   */
  onRetry?: ((info: RetryInfo) => void) | undefined;
}

/**
 * What `getJob()` takes: the per-request options, and for a poll while waiting for a job, how to
 * ride out an outage (see `PollRetry`). Without `poll` a get retries by the client's policy.
 *
 * @example
 * ```ts
 * import type { GetJobOptions } from "@tamr-refresh/kit";
 *
 * // Poll through an outage for up to an hour, as the poller does until a job's deadline.
 * const options: GetJobOptions = { poll: { forMs: 3_600_000 } };
 * ```
 */
export interface GetJobOptions extends RequestOptions {
  /** Retry as a poll does, until the wait's deadline, instead of by the client's policy. */
  poll?: PollRetry | undefined;
}

/**
 * What `createJob()` takes: the per-request options, and whether the client itself retries a 429.
 *
 * @example
 * ```ts
 * import type { CreateJobOptions } from "@tamr-refresh/kit";
 *
 * // The caller waits for a free slot its own way: a 429 comes back at once, with its Retry-After.
 * const options: CreateJobOptions = { retryTooManyRequests: false };
 * ```
 */
export interface CreateJobOptions extends RequestOptions {
  /**
   * `false`: a 429 (the tenant at its limit of running jobs) is thrown at once as an `ApiError`
   * with its `retryAfterMs`, for a caller that waits for a slot its own way. Default true: retried
   * by the client's policy (the job was not created, so that is safe).
   */
  retryTooManyRequests?: boolean | undefined;
}

/**
 * One HTTP exchange, for `--verbose` (never the key).
 *
 * @example
 * ```ts
 * import type { ExchangeInfo } from "@tamr-refresh/kit";
 *
 * const line = (x: ExchangeInfo) => `${x.method} ${x.path} ${x.status ?? "-"} ${x.durationMs}ms`;
 * ```
 */
export interface ExchangeInfo {
  /** The HTTP method. */
  method: string;
  /** The request path. */
  path: string;
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** How long the exchange took. */
  durationMs: number;
  /** Which attempt of the request this was, from 1. */
  attempt: number;
  /** Why there was no usable answer (network error, timeout, non-JSON body), when there was none. */
  error?: string;
}

/**
 * One retry about to happen.
 *
 * @example
 * ```ts
 * import type { RetryInfo } from "@tamr-refresh/kit";
 *
 * const line = (r: RetryInfo) => `retry ${r.method} ${r.path} in ${r.delayMs}ms (${r.reason})`;
 * ```
 */
export interface RetryInfo {
  /** The HTTP method. */
  method: string;
  /** The request path. */
  path: string;
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** The wait before the next attempt. */
  delayMs: number;
  /** Why, e.g. `HTTP 503`. */
  reason: string;
}

/**
 * The job client: the four endpoints of the Jobs API. `createJobClient()` makes one; a test can
 * pass any object of this shape.
 *
 * @example
 * ```ts
 * import type { JobClient } from "@tamr-refresh/kit";
 *
 * async function runningJobs(client: JobClient): Promise<string[]> {
 *   const ids: string[] = [];
 *   for await (const job of client.listJobs({ pageSize: 30 })) {
 *     if (job.status.state !== "DONE") ids.push(job.jobId);
 *   }
 *   return ids;
 * }
 * ```
 */
export interface JobClient {
  /** `POST /jobs`: creates a job; never sent twice when the first try may have reached Tamr. */
  createJob(configuration: JobConfiguration, options?: CreateJobOptions): Promise<Job>;
  /** `GET /jobs/{jobId}`: one job as it is now; with `poll`, riding out an outage. */
  getJob(jobId: string, options?: GetJobOptions): Promise<Job>;
  /** Every job, newest first, fetching pages as the iteration goes. */
  listJobs(options?: ListJobsOptions): AsyncIterable<Job>;
  /** `POST /jobs/{jobId}:stop`: asks Tamr to stop the job; it reaches DONE later. */
  stopJob(jobId: string, options?: RequestOptions): Promise<void>;
}
