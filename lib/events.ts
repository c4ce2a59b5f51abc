import type { JobError, JobState } from "./types.ts";
import type { StepKind } from "./plan.ts";

/** Our view of a step's life, beside Tamr's raw job state. */
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

/** How a step ended, as in the contract's `finish` event. */
export type StepOutcome =
  | "succeeded"
  | "failed"
  | "stopped"
  | "timed_out"
  | "skipped"
  | "not_started"
  | "running"; // still running remotely: left so by --leave-running

export type RunOutcome = "succeeded" | "failed" | "timed_out" | "interrupted" | "error";

export interface PlanStepSummary {
  step: string;
  kind: StepKind;
  target: string;
  dependsOn: string[];
  body: { configuration: unknown };
}

export interface StartEvent {
  type: "start";
  time: string;
  version: 1;
  tenant: string;
  baseUrl: string;
  dataProduct: string;
  concurrency: number;
  steps: PlanStepSummary[];
}

export interface StepEvent {
  type: "step";
  time: string;
  step: string;
  kind: StepKind;
  target: string;
  state: StepState;
  jobId?: string;
  /** Tamr's state of the job, as last seen. */
  jobState?: JobState;
  error?: JobError;
  /** True when we attached to a job that already existed instead of creating one. */
  attached?: boolean;
}

export interface RetryEvent {
  type: "retry";
  time: string;
  step?: string;
  method: string;
  path: string;
  status: number | null;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface WarningEvent {
  type: "warning";
  time: string;
  step?: string;
  jobId?: string;
  message: string;
}

export interface StepSummary {
  step: string;
  kind: StepKind;
  target: string;
  jobId: string | null;
  outcome: StepOutcome;
  error: JobError | null;
  durationMs: number | null;
}

export interface FinishEvent {
  type: "finish";
  time: string;
  outcome: RunOutcome;
  exitCode: number;
  steps: StepSummary[];
  /** A sentence for people: why the run ended this way. */
  message?: string;
  /** The command that continues this run, when it ended early. */
  resumeCommand?: string;
}

export type RunEvent = StartEvent | StepEvent | RetryEvent | WarningEvent | FinishEvent;

/** Where the runner sends events; reporters and the dashboard subscribe. */
export type Emit = (event: RunEvent) => void;

/** Adds `time` to an event. */
export function stamp<E extends { time: string }>(clockNow: number, e: Omit<E, "time">): E {
  return { ...e, time: new Date(clockNow).toISOString() } as E;
}
