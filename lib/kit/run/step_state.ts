/** The words for how a step and a run are doing: a step's state, a step's and a run's outcome. */

/**
 * Our view of a step's life, beside Tamr's raw job state.
 *
 * @example
 * ```ts
 * import type { StepState } from "@tamr-refresh/kit";
 *
 * const finished: StepState[] = ["succeeded", "failed", "stopped", "timed_out", "skipped"];
 * ```
 */
export type StepState =
  | "waiting" // its dependencies have not finished
  | "queued" // ready, waiting for a concurrency slot or for the tenant's job limit
  | "creating" // the create request is in flight
  | "running" // a job exists and is not DONE
  | "stopping" // we asked Tamr to stop it
  | "succeeded"
  | "failed"
  | "stopped"
  | "timed_out"
  | "skipped"; // never started because an earlier step did not succeed

/**
 * How a step ended, as in the contract's `finish` event.
 *
 * @example
 * ```ts
 * import type { StepOutcome } from "@tamr-refresh/kit";
 *
 * const isGreen = (outcome: StepOutcome) => outcome === "succeeded";
 * ```
 */
export type StepOutcome =
  | "succeeded"
  | "failed"
  | "stopped"
  | "timed_out"
  | "skipped"
  | "not_started"
  | "running"; // still running remotely: left so by --leave-running

/**
 * How a whole run ended: exit 0, 1, 3, 130/143 and 4 respectively.
 *
 * @example
 * ```ts
 * import type { RunOutcome } from "@tamr-refresh/kit";
 *
 * const label: Record<RunOutcome, string> = {
 *   succeeded: "ok",
 *   failed: "a job failed",
 *   timed_out: "a job ran too long",
 *   interrupted: "stopped by a signal",
 *   error: "the API refused us",
 * };
 * ```
 */
export type RunOutcome = "succeeded" | "failed" | "timed_out" | "interrupted" | "error";
