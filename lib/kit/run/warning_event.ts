/** The `warning` event: something odd but not fatal. */

/**
 * Something odd but not fatal, in a sentence.
 *
 * @example
 * ```ts
 * import type { WarningEvent } from "@tamr-refresh/kit";
 *
 * const line = (e: WarningEvent) => `warning: ${e.message}`;
 * ```
 */
export interface WarningEvent {
  /** Always `"warning"`. */
  type: "warning";
  /** When it happened, RFC 3339. */
  time: string;
  /** The step concerned, when there is one. */
  step?: string;
  /** The job concerned, when there is one. */
  jobId?: string;
  /** The warning, as a sentence. */
  message: string;
}
