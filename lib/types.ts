/** The Tamr Cloud Jobs API's shapes, as far as tamr-refresh relies on them. Unknown fields are kept and ignored. */

/** Tamr's job states. Any other string is a state we do not know: not finished. */
export type KnownJobState = "PENDING" | "RUNNING" | "STOPPING" | "DONE";
export type JobState = KnownJobState | (string & Record<never, never>);

/** Tamr's error on a DONE job that did not succeed. */
export interface JobError {
  reason: string;
  message: string;
}

export interface JobStatus {
  state: JobState;
  stateStartTime?: string;
  error?: JobError | null;
}

export interface StatusHistoryEntry {
  state: JobState;
  stateStartTime?: string;
}

/** Exactly one kind per job. */
export type JobConfiguration =
  | { load: { sourceId: string } }
  | { update: { dataProductId: string } }
  | { update: { workflowId: string } }
  | { publish: { destinationId: string; dataProductId: string } };

export interface Job {
  jobId: string;
  configuration: JobConfiguration;
  status: JobStatus;
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

/** True when two configurations ask for the same work (key order does not matter). */
export function sameConfiguration(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
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

/** Per-request options every client call takes. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

/** One HTTP exchange, for `--verbose` (never the key). */
export interface ExchangeInfo {
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  attempt: number;
  /** Why there was no usable answer (network error, timeout, non-JSON body), when there was none. */
  error?: string;
}

/** One retry about to happen. */
export interface RetryInfo {
  method: string;
  path: string;
  status: number | null;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** The job client: the four endpoints of the Jobs API. */
export interface JobClient {
  createJob(configuration: JobConfiguration, options?: RequestOptions): Promise<Job>;
  getJob(jobId: string, options?: RequestOptions): Promise<Job>;
  /** Every job, newest first, fetching pages as the iteration goes. */
  listJobs(
    options?: RequestOptions & { pageSize?: number; filter?: string },
  ): AsyncIterable<Job>;
  stopJob(jobId: string, options?: RequestOptions): Promise<void>;
}
