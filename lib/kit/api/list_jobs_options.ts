/** What the job client's `listJobs()` takes. */
import type { RequestOptions } from "./types.ts";

/**
 * What `listJobs()` takes: the per-request options, the page size, the documented `filter`, and
 * whether a page that fails is tried again.
 *
 * @example
 * ```ts
 * import type { ListJobsOptions } from "@tamr-refresh/kit";
 *
 * // Two jobs in one request, or an error at once: the caller has another way to ask.
 * const options: ListJobsOptions = { filter: 'job_id = "a" OR job_id = "b"', once: true };
 * ```
 */
export interface ListJobsOptions extends RequestOptions {
  /** Jobs per page, 1 to 30 (default 30). */
  pageSize?: number | undefined;
  /** The documented filter (`job_filter.ts` builds one); sent unchanged on every page. */
  filter?: string | undefined;
  /** `true`: a page that fails throws at once instead of being retried by the client's policy. */
  once?: boolean | undefined;
}
