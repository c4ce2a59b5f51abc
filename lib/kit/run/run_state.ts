import type { RunEvent, RunOutcome, StepOutcome, StepState, StepSummary } from "./events.ts";
import type { StepKind } from "./plan.ts";
import type { JobError } from "../api/types.ts";

/**
 * One step as every view shows it. Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * import type { StepView } from "@tamr-refresh/kit";
 *
 * const row = (s: StepView) => `${s.id} ${s.jobId ?? "-"} ${s.state}`;
 * ```
 */
export interface StepView {
  /** The step id, `<kind>:<target>`. */
  id: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** Our state of the step. */
  state: StepState;
  /** The Tamr job, once there is one. */
  jobId: string | null;
  /** Tamr's state of the job, as last seen. */
  jobState: string | null;
  /** When the step began its create (null while waiting). */
  startedAt: number | null;
  /** When it reached a final state. */
  endedAt: number | null;
  /** Retries of HTTP requests made for this step. */
  retries: number;
  /** Tamr's reason and message, once the step failed, was stopped or timed out. */
  error: JobError | null;
  /** True when the step attached to a job that already existed instead of creating one. */
  attached: boolean;
}

/**
 * The latest warning or failure, for a status line.
 *
 * @example
 * ```ts
 * import type { Notice } from "@tamr-refresh/kit";
 *
 * const line = (n: Notice) => `${n.level}: ${n.message}`;
 * ```
 */
export interface Notice {
  /** A warning, or a step's failure. */
  level: "warning" | "failure";
  /** The sentence to show; for a failure, Tamr's reason and message. */
  message: string;
  /** The step concerned, when there is one. */
  step: string | null;
  /** When it happened, ms since the epoch. */
  time: number;
}

/**
 * Everything the reporters and the dashboard render, folded from the run's events by `reduce()`.
 *
 * @example
 * ```ts
 * import type { ViewState } from "@tamr-refresh/kit";
 *
 * const done = (v: ViewState) => v.steps.filter((s) => s.state === "succeeded").length;
 * ```
 */
export interface ViewState {
  /** The tenant's name (from the `start` event). */
  tenant: string;
  /** The base URL requests go to. */
  baseUrl: string;
  /** The data product being refreshed. */
  dataProduct: string;
  /** Source jobs at once. */
  concurrency: number;
  /** When the run started, ms since the epoch. */
  startedAt: number | null;
  /** When it finished, ms since the epoch. */
  finishedAt: number | null;
  /** Every step, in plan order. */
  steps: StepView[];
  /** The latest warning or failure, with Tamr's reason and message for failures. */
  notice: Notice | null;
  /** Warnings so far. */
  warnings: number;
  /** HTTP retries so far. */
  retries: number;
  /** How the run ended, once it did. */
  outcome: RunOutcome | null;
  /** The exit code, once the run ended. */
  exitCode: number | null;
  /** Why the run ended this way, as a sentence. */
  message: string | null;
  /** The command that continues the run, when it ended early. */
  resumeCommand: string | null;
}

/**
 * The view state before any event: the starting value for `reduce()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialViewState } from "@tamr-refresh/kit";
 *
 * assert.equal(initialViewState.steps.length, 0);
 * assert.equal(initialViewState.outcome, null);
 * ```
 */
export const initialViewState: ViewState = {
  tenant: "",
  baseUrl: "",
  dataProduct: "",
  concurrency: 0,
  startedAt: null,
  finishedAt: null,
  steps: [],
  notice: null,
  warnings: 0,
  retries: 0,
  outcome: null,
  exitCode: null,
  message: null,
  resumeCommand: null,
};

const FINAL: ReadonlySet<StepState> = new Set([
  "succeeded",
  "failed",
  "stopped",
  "timed_out",
  "skipped",
]);

/** True when a step state will not change again. */
export function isFinalState(state: StepState): boolean {
  return FINAL.has(state);
}

/**
 * The pure reducer: a new state for each event, nothing else happens here. Reporters, the
 * dashboard and scripts fold the same events with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialViewState, reduce, type RunEvent, type ViewState } from "@tamr-refresh/kit";
 *
 * let view: ViewState = initialViewState;
 * const onEvent = (e: RunEvent) => {
 *   view = reduce(view, e);
 * };
 * onEvent({
 *   type: "start",
 *   time: "2026-01-01T12:00:00Z",
 *   version: 1,
 *   tenant: "acme",
 *   baseUrl: "https://acme.tamr.cloud",
 *   dataProduct: "dp",
 *   concurrency: 4,
 *   steps: [],
 * });
 * assert.equal(view.tenant, "acme");
 * ```
 */
export function reduce(state: ViewState, event: RunEvent): ViewState {
  const t = Date.parse(event.time);
  switch (event.type) {
    case "start":
      return {
        ...initialViewState,
        tenant: event.tenant,
        baseUrl: event.baseUrl,
        dataProduct: event.dataProduct,
        concurrency: event.concurrency,
        startedAt: t,
        steps: event.steps.map((s) => ({
          id: s.step,
          kind: s.kind,
          target: s.target,
          state: "waiting",
          jobId: null,
          jobState: null,
          startedAt: null,
          endedAt: null,
          retries: 0,
          error: null,
          attached: false,
        })),
      };
    case "step": {
      const steps = state.steps.map((s) => {
        if (s.id !== event.step) return s;
        const starting = s.startedAt === null && event.state !== "waiting" &&
          event.state !== "queued" && event.state !== "skipped";
        return {
          ...s,
          state: event.state,
          jobId: event.jobId ?? s.jobId,
          jobState: event.jobState ?? s.jobState,
          startedAt: starting ? t : s.startedAt,
          endedAt: isFinalState(event.state) && event.state !== "skipped" ? t : s.endedAt,
          error: event.error ?? s.error,
          attached: s.attached || event.attached === true,
        };
      });
      const notice: Notice | null = event.error &&
          (event.state === "failed" || event.state === "stopped" || event.state === "timed_out")
        ? {
          level: "failure",
          message: `${event.error.reason}: ${event.error.message}`,
          step: event.step,
          time: t,
        }
        : state.notice;
      return { ...state, steps, notice };
    }
    case "retry":
      return {
        ...state,
        retries: state.retries + 1,
        steps: event.step === undefined
          ? state.steps
          : state.steps.map((s) => s.id === event.step ? { ...s, retries: s.retries + 1 } : s),
      };
    case "warning":
      return {
        ...state,
        warnings: state.warnings + 1,
        notice: { level: "warning", message: event.message, step: event.step ?? null, time: t },
      };
    case "finish":
      return {
        ...state,
        finishedAt: t,
        outcome: event.outcome,
        exitCode: event.exitCode,
        message: event.message ?? null,
        resumeCommand: event.resumeCommand ?? null,
      };
  }
}

/** Folds a whole list of events. */
export function reduceAll(events: readonly RunEvent[], from = initialViewState): ViewState {
  return events.reduce(reduce, from);
}

/** A step's outcome for the `finish` event. */
export function stepOutcome(step: StepView): StepOutcome {
  switch (step.state) {
    case "succeeded":
    case "failed":
    case "stopped":
    case "timed_out":
    case "skipped":
      return step.state;
    case "waiting":
    case "queued":
      return "not_started";
    case "creating":
    case "running":
    case "stopping":
      return step.jobId ? "running" : "not_started";
  }
}

/** The `steps` array of the contract's `finish` event. */
export function summarize(state: ViewState): StepSummary[] {
  return state.steps.map((s) => ({
    step: s.id,
    kind: s.kind,
    target: s.target,
    jobId: s.jobId,
    outcome: stepOutcome(s),
    error: s.error,
    durationMs: s.startedAt !== null && s.endedAt !== null ? s.endedAt - s.startedAt : null,
  }));
}

/** Counts of steps by state, for progress displays. */
export function progress(
  state: ViewState,
): { done: number; total: number; failed: number; stopped: number } {
  let done = 0;
  let failed = 0;
  let stopped = 0;
  for (const s of state.steps) {
    if (isFinalState(s.state)) done++;
    if (s.state === "failed" || s.state === "timed_out") failed++;
    // A stopped job did not fail: this run stopped it when quitting, or someone else did.
    if (s.state === "stopped") stopped++;
  }
  return { done, total: state.steps.length, failed, stopped };
}
