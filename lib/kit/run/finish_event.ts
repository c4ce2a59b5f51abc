/** The last event of a run, `finish`: its outcome, exit code and every step's outcome. */
import type { TimelineEntry } from "./timeline.ts";
import type { JobError } from "../api/types.ts";
import type { StepKind } from "./plan.ts";
import type { RunOutcome, StepOutcome } from "./step_state.ts";

/**
 * How one step ended, as listed in the `finish` event.
 *
 * @example
 * ```ts
 * import type { StepSummary } from "@tamr-refresh/kit";
 *
 * const failed = (steps: StepSummary[]) => steps.filter((s) => s.outcome === "failed");
 * ```
 */
export interface StepSummary {
  /** The step id, `<kind>:<target>`. */
  step: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** The Tamr job, or null when none was created. */
  jobId: string | null;
  /** How the step ended. */
  outcome: StepOutcome;
  /** Tamr's reason and message when it did not succeed. */
  error: JobError | null;
  /** From the create to the end, or null when it never ran. */
  durationMs: number | null;
}

/**
 * The last event of a run: its outcome, exit code and every step's outcome.
 *
 * @example
 * ```ts
 * import type { FinishEvent } from "@tamr-refresh/kit";
 *
 * const summary = (e: FinishEvent) => `${e.outcome} (exit ${e.exitCode})`;
 * ```
 */
export interface FinishEvent {
  /** Always `"finish"`. */
  type: "finish";
  /** When it happened, RFC 3339. */
  time: string;
  /** How the run ended. */
  outcome: RunOutcome;
  /** The process exit code of the contract. */
  exitCode: number;
  /** Every step, in plan order. */
  steps: StepSummary[];
  /**
   * When each step that began was created, started running and ended, by Tamr's own
   * `statusHistory` where it said (see `TimelineEntry`).
   */
  timeline?: TimelineEntry[];
  /** A sentence for people: why the run ended this way. */
  message?: string;
  /** The command that continues this run, when it ended early. */
  resumeCommand?: string;
}
