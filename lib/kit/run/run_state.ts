/**
 * The one run state: what it holds and how one step's events fold into it. The store
 * (`run_store.ts`) folds every event once, as it is emitted; the scheduler, the journal, the
 * reporters, the end reports and the dashboard all read the same state.
 */
import { createdBefore, phasesOf, timeOf } from "./_step_times.ts";
import type { FinishEvent, RunEvent, StepEvent, StepState } from "./events.ts";
import type { StepKind } from "./plan.ts";
import type { JobError } from "../api/types.ts";
import type { JobPhases } from "../job/job_times.ts";

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
  readonly id: string;
  /** What the step does. */
  readonly kind: StepKind;
  /** The source, data product, workflow or destination id. */
  readonly target: string;
  /** Ids of the steps that must succeed first. */
  readonly dependsOn: readonly string[];
  /** Our state of the step. */
  readonly state: StepState;
  /** The Tamr job, once there is one. */
  readonly jobId: string | null;
  /** Tamr's state of the job, as last seen. */
  readonly jobState: string | null;
  /** When the step began its create (null while waiting). */
  readonly startedAt: number | null;
  /** When it reached a final state. */
  readonly endedAt: number | null;
  /** Retries of HTTP requests made for this step. */
  readonly retries: number;
  /** Tamr's reason and message, once the step failed, was stopped or timed out. */
  readonly error: JobError | null;
  /** True when the step attached to a job that already existed instead of creating one. */
  readonly attached: boolean;
  /** True when the job belongs to another run: watched, never stopped by this one. */
  readonly otherRun: boolean;
  /** True when the step ended but its job may still be running on Tamr (it could not be stopped). */
  readonly leftRunning: boolean;
  /** How long the job took on Tamr (creation to DONE), once it succeeded and Tamr said. */
  readonly jobDurationMs: number | null;
  /** The job's phases by Tamr's `statusHistory` (tenant clock, ms), once the step ended and Tamr said. */
  readonly jobTimes: JobPhases | null;
  /** How long the step's job usually takes (median of earlier runs), when known. */
  readonly expectedMs: number | null;
  /** The 90th percentile of its earlier durations: past it the step is slower than usual. */
  readonly p90Ms: number | null;
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
 * Everything known about a run, folded from its events. Read it; only the store changes it.
 *
 * @example
 * ```ts
 * import type { RunState } from "@tamr-refresh/kit";
 *
 * const done = (s: RunState) => s.counts.succeeded;
 * ```
 */
export interface RunState {
  /** The tenant's name (from the `start` event). */
  readonly tenant: string;
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /** The data product being refreshed. */
  readonly dataProduct: string;
  /** Source jobs at once. */
  readonly concurrency: number;
  /** The longest wait between two polls (`--poll-interval`), ms; null when the start did not say. */
  readonly pollIntervalMs: number | null;
  /** When the run started, ms since the epoch. */
  readonly startedAt: number | null;
  /** When it finished, ms since the epoch. */
  readonly finishedAt: number | null;
  /**
   * For a resumed run: the time of its earlier parts (ms), without the gaps between them; null for
   * a run in one part. See `runTimeMs()`.
   */
  readonly earlierMs: number | null;
  /** Every step, in plan order. */
  readonly steps: readonly StepView[];
  /** Every step, by id. */
  readonly byId: ReadonlyMap<string, StepView>;
  /** How many steps are in each state. */
  readonly counts: Readonly<Record<StepState, number>>;
  /** The latest warning or failure, with Tamr's reason and message for failures. */
  readonly notice: Notice | null;
  /** Warnings so far. */
  readonly warnings: number;
  /** HTTP retries so far. */
  readonly retries: number;
  /** The `finish` event, once the run ended: its outcome, exit code and every step's summary. */
  readonly finish: FinishEvent | null;
  /** Grows by one with every event folded in; a view redraws when it changed. */
  readonly version: number;
}

/**
 * A run's state and its event stream in one: `emit()` folds the event into the state, then hands
 * both to every listener, in the order they subscribed. An event emitted by a listener is folded
 * and delivered after the current one has reached every listener.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRunStore } from "@tamr-refresh/kit";
 *
 * const store = createRunStore();
 * const seen: string[] = [];
 * store.subscribe((e, state) => seen.push(`${e.type} v${state.version}`));
 * store.emit({ type: "warning", time: "2026-01-01T12:00:00Z", message: "hello" });
 * assert.deepEqual(seen, ["warning v1"]);
 * assert.equal(store.state.warnings, 1);
 * ```
 */
export interface RunStore {
  /** The state now (a live view: read it, do not keep copies of its parts across events). */
  readonly state: RunState;
  /** Folds `event` into the state, then tells every listener. */
  emit(event: RunEvent): void;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: RunListener): () => void;
}

/**
 * Told of every event, after it was folded into the state.
 *
 * @example
 * ```ts
 * import type { RunListener } from "@tamr-refresh/kit";
 *
 * const log: RunListener = (e, state) => console.log(e.type, state.counts.running);
 * ```
 */
export type RunListener = (event: RunEvent, state: RunState) => void;

/** Every step state, in the order a step goes through them. */
export const STEP_STATES: readonly StepState[] = [
  "waiting",
  "queued",
  "creating",
  "running",
  "stopping",
  "succeeded",
  "failed",
  "stopped",
  "timed_out",
  "skipped",
];

const FINAL: ReadonlySet<StepState> = new Set([
  "succeeded",
  "failed",
  "stopped",
  "timed_out",
  "skipped",
]);

/**
 * True when a step state will not change again in this run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFinalState } from "@tamr-refresh/kit";
 *
 * assert.equal(isFinalState("skipped"), true);
 * assert.equal(isFinalState("running"), false);
 * ```
 */
export function isFinalState(state: StepState): boolean {
  return FINAL.has(state);
}

/**
 * A step after one of its events: the pure per-step fold the store applies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldStep, newStepView } from "@tamr-refresh/kit";
 *
 * const waiting = newStepView({ step: "load:s1", kind: "load", target: "s1", dependsOn: [] });
 * const running = foldStep(waiting, {
 *   type: "step",
 *   time: "2026-01-01T12:00:00Z",
 *   step: "load:s1",
 *   kind: "load",
 *   target: "s1",
 *   state: "running",
 *   jobId: "job_1",
 * });
 * assert.equal(running.jobId, "job_1");
 * ```
 */
export function foldStep(step: StepView, event: StepEvent): StepView {
  const t = Date.parse(event.time);
  const starting = step.startedAt === null && event.state !== "waiting" &&
    event.state !== "queued" && event.state !== "skipped";
  // A step run again after an earlier failure (a resume) starts afresh.
  const again = isFinalState(step.state) && !isFinalState(event.state);
  return {
    ...step,
    state: event.state,
    jobId: event.jobId ?? (again && event.state === "creating" ? null : step.jobId),
    jobState: event.jobState ?? step.jobState,
    startedAt: timeOf(event.startedAt) ?? createdBefore(event, starting ? t : step.startedAt),
    endedAt: isFinalState(event.state) && event.state !== "skipped"
      ? timeOf(event.endedAt) ?? t
      : again
      ? null
      : step.endedAt,
    error: event.error ?? (again ? null : step.error),
    attached: step.attached || event.attached === true,
    otherRun: again ? event.otherRun === true : step.otherRun || event.otherRun === true,
    leftRunning: event.leftRunning === true,
    jobDurationMs: event.jobDurationMs ?? step.jobDurationMs,
    jobTimes: event.jobTimes ? phasesOf(event.jobTimes) : again ? null : step.jobTimes,
    expectedMs: event.expectedMs ?? step.expectedMs,
  };
}

/**
 * A step before any of its events.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newStepView } from "@tamr-refresh/kit";
 *
 * const s = newStepView({ step: "load:s1", kind: "load", target: "s1", dependsOn: [] });
 * assert.equal(s.state, "waiting");
 * assert.equal(s.expectedMs, null); // no earlier runs said how long it takes
 * ```
 */
export function newStepView(
  s: {
    step: string;
    kind: StepKind;
    target: string;
    dependsOn: readonly string[];
    expectedMs?: number | undefined;
    p90Ms?: number | undefined;
  },
): StepView {
  return {
    id: s.step,
    kind: s.kind,
    target: s.target,
    dependsOn: s.dependsOn,
    state: "waiting",
    jobId: null,
    jobState: null,
    startedAt: null,
    endedAt: null,
    retries: 0,
    error: null,
    attached: false,
    otherRun: false,
    leftRunning: false,
    jobDurationMs: null,
    jobTimes: null,
    expectedMs: s.expectedMs ?? null,
    p90Ms: s.p90Ms ?? null,
  };
}
