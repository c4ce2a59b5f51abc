/** The `step` event: a step changed state. */
import type { JobError, JobState } from "../api/types.ts";
import type { StepKind } from "./plan.ts";
import type { StepState } from "./step_state.ts";

/**
 * A step changed state (created, running, finished...).
 *
 * @example
 * ```ts
 * import type { StepEvent } from "@tamr-refresh/kit";
 *
 * const failedBecause = (e: StepEvent) =>
 *   e.state === "failed" && e.error ? `${e.error.reason}: ${e.error.message}` : null;
 * ```
 */
export interface StepEvent {
  /** Always `"step"`. */
  type: "step";
  /** When it happened, RFC 3339. */
  time: string;
  /** The step id, `<kind>:<target>`. */
  step: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** The step's new state. */
  state: StepState;
  /** The Tamr job, once there is one. */
  jobId?: string;
  /** Tamr's state of the job, as last seen. */
  jobState?: JobState;
  /** Tamr's reason and message, for a step that failed, was stopped or timed out. */
  error?: JobError;
  /** True when we attached to a job that already existed instead of creating one. */
  attached?: boolean;
  /**
   * True when the job was started by another run (found running, not in this run's journal): this
   * run watches it but never stops it.
   */
  otherRun?: boolean;
  /** On a final state: the job may still be running on Tamr (it could not be stopped). */
  leftRunning?: boolean;
  /**
   * When Tamr created the job (the earliest time of its statusHistory), said once for a job this
   * step attached to or resumed, so its elapsed time counts from the job's start.
   */
  jobCreatedAt?: string;
  /**
   * On `succeeded`: how long the job took on Tamr, from its creation to DONE in its own
   * `statusHistory` (so without the time it took us to notice). Kept as the step's duration history.
   */
  jobDurationMs?: number;
  /**
   * On a final state, when Tamr said: the job's phases from its own `statusHistory` (the tenant's
   * clock, RFC 3339): created, running (its wait for a slot ended), done.
   */
  jobTimes?: { createdAt?: string; runningAt?: string; doneAt?: string };
  /** How long the step's job usually takes (the median of earlier runs), when known. */
  expectedMs?: number;
  /**
   * For a step a resumed run had finished before (said again at its start, never run again):
   * when it began then (RFC 3339), not this event's time.
   */
  startedAt?: string;
  /** For such a step: when it ended then (RFC 3339), not this event's time. */
  endedAt?: string;
}
