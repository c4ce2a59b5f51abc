/** The `retry` event: an HTTP request is about to be tried again. */

/**
 * An HTTP request is about to be tried again.
 *
 * @example
 * ```ts
 * import type { RetryEvent } from "@tamr-refresh/kit";
 *
 * const line = (e: RetryEvent) => `${e.method} ${e.path}: ${e.reason}, retry in ${e.delayMs}ms`;
 * ```
 */
export interface RetryEvent {
  /** Always `"retry"`. */
  type: "retry";
  /** When it happened, RFC 3339. */
  time: string;
  /** The step the request was made for, when known. */
  step?: string;
  /** The HTTP method. */
  method: string;
  /** The request path, e.g. `/api/v1beta1/jobs/job_1`. */
  path: string;
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** The wait before the next attempt. */
  delayMs: number;
  /** Why, e.g. `HTTP 503` or `timed out`. */
  reason: string;
}
