import type { JobError, JobState } from "../api/types.ts";
import type { StepKind } from "./plan.ts";

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

/**
 * One step of the plan as the `start` event lists it, with the exact create request body.
 *
 * @example
 * ```ts
 * import type { PlanStepSummary } from "@tamr-refresh/kit";
 *
 * const s: PlanStepSummary = {
 *   step: "load:src_crm",
 *   kind: "load",
 *   target: "src_crm",
 *   dependsOn: [],
 *   body: { configuration: { load: { sourceId: "src_crm" } } },
 * };
 * ```
 */
export interface PlanStepSummary {
  /** The step id, `<kind>:<target>`. */
  step: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** Ids of the steps that must succeed first. */
  dependsOn: string[];
  /** The body of the create request (`POST /api/v1beta1/jobs`). */
  body: { configuration: unknown };
}

/**
 * The first event of a run: the plan.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "@tamr-refresh/kit";
 *
 * function describe(e: RunEvent): string {
 *   return e.type === "start" ? `${e.steps.length} steps on ${e.tenant}` : e.type;
 * }
 * ```
 */
export interface StartEvent {
  /** Always `"start"`. */
  type: "start";
  /** When it happened, RFC 3339. */
  time: string;
  /** The version of the event format. */
  version: 1;
  /** The tenant's name. */
  tenant: string;
  /** The base URL requests go to. */
  baseUrl: string;
  /** The data product being refreshed. */
  dataProduct: string;
  /** Source jobs at once. */
  concurrency: number;
  /** Every step of the plan, in order. */
  steps: PlanStepSummary[];
}

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
}

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
  /** A sentence for people: why the run ended this way. */
  message?: string;
  /** The command that continues this run, when it ended early. */
  resumeCommand?: string;
}

/**
 * Every event of a run, as `--output json` prints them one a line.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "@tamr-refresh/kit";
 *
 * function onEvent(e: RunEvent): void {
 *   if (e.type === "finish") Deno.exitCode = e.exitCode;
 * }
 * ```
 */
export type RunEvent = StartEvent | StepEvent | RetryEvent | WarningEvent | FinishEvent;

/**
 * Where the runner sends events; reporters and the dashboard subscribe.
 *
 * @example
 * ```ts
 * import type { Emit, RunEvent } from "@tamr-refresh/kit";
 *
 * const events: RunEvent[] = [];
 * const emit: Emit = (e) => events.push(e);
 * ```
 */
export type Emit = (event: RunEvent) => void;
