/**
 * The one run state: every event of a run is folded into it once, as it is emitted, and the
 * scheduler, the journal, the reporters, the end reports and the dashboard all read it. Folding an
 * event touches only the step it names, so an event costs the same with 1,000 steps as with 10.
 */
import type {
  FinishEvent,
  RunEvent,
  RunOutcome,
  StepEvent,
  StepOutcome,
  StepState,
  StepSummary,
} from "./events.ts";
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
  /** How long the job took on Tamr (creation to DONE), once it succeeded and Tamr said. */
  readonly jobDurationMs: number | null;
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
  /** When the run started, ms since the epoch. */
  readonly startedAt: number | null;
  /** When it finished, ms since the epoch. */
  readonly finishedAt: number | null;
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

/** Told of every event, after it was folded into the state. */
export type RunListener = (event: RunEvent, state: RunState) => void;

const STATES: readonly StepState[] = [
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

/** True when a step state will not change again in this run. */
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
    startedAt: starting ? t : step.startedAt,
    endedAt: isFinalState(event.state) && event.state !== "skipped"
      ? t
      : again
      ? null
      : step.endedAt,
    error: event.error ?? (again ? null : step.error),
    attached: step.attached || event.attached === true,
    jobDurationMs: event.jobDurationMs ?? step.jobDurationMs,
  };
}

/** A step before any of its events. */
export function newStepView(
  s: { step: string; kind: StepKind; target: string; dependsOn: readonly string[] },
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
    jobDurationMs: null,
  };
}

type MutableState = { -readonly [K in keyof RunState]: RunState[K] };

function emptyCounts(): Record<StepState, number> {
  return Object.fromEntries(STATES.map((s) => [s, 0])) as Record<StepState, number>;
}

/** Creates an empty store; the `start` event fills in the plan. */
export function createRunStore(): RunStore {
  const steps: StepView[] = [];
  const index = new Map<string, number>();
  const byId = new Map<string, StepView>();
  const counts = emptyCounts();
  const state: MutableState = {
    tenant: "",
    baseUrl: "",
    dataProduct: "",
    concurrency: 0,
    startedAt: null,
    finishedAt: null,
    steps,
    byId,
    counts,
    notice: null,
    warnings: 0,
    retries: 0,
    finish: null,
    version: 0,
  };
  const listeners = new Set<RunListener>();
  const queue: RunEvent[] = [];
  let delivering = false;

  const replace = (i: number, next: StepView) => {
    const prev = steps[i]!;
    counts[prev.state]--;
    counts[next.state]++;
    steps[i] = next;
    byId.set(next.id, next);
  };

  const fold = (event: RunEvent) => {
    const t = Date.parse(event.time);
    state.version++;
    switch (event.type) {
      case "start":
        steps.length = 0;
        index.clear();
        byId.clear();
        Object.assign(counts, emptyCounts());
        for (const s of event.steps) {
          const view = newStepView(s);
          index.set(view.id, steps.length);
          steps.push(view);
          byId.set(view.id, view);
          counts.waiting++;
        }
        Object.assign(state, {
          tenant: event.tenant,
          baseUrl: event.baseUrl,
          dataProduct: event.dataProduct,
          concurrency: event.concurrency,
          startedAt: t,
          finishedAt: null,
          notice: null,
          warnings: 0,
          retries: 0,
          finish: null,
        });
        return;
      case "step": {
        const i = index.get(event.step);
        if (i !== undefined) replace(i, foldStep(steps[i]!, event));
        if (event.error && isFailure(event.state)) {
          state.notice = {
            level: "failure",
            message: `${event.error.reason}: ${event.error.message}`,
            step: event.step,
            time: t,
          };
        }
        return;
      }
      case "retry": {
        state.retries++;
        const i = event.step === undefined ? undefined : index.get(event.step);
        if (i !== undefined) replace(i, { ...steps[i]!, retries: steps[i]!.retries + 1 });
        return;
      }
      case "warning":
        state.warnings++;
        state.notice = {
          level: "warning",
          message: event.message,
          step: event.step ?? null,
          time: t,
        };
        return;
      case "finish":
        state.finishedAt = t;
        state.finish = event;
        return;
    }
  };

  return {
    state,
    emit(event) {
      queue.push(event);
      if (delivering) return;
      delivering = true;
      try {
        for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
          fold(e);
          for (const l of listeners) l(e, state);
        }
      } finally {
        delivering = false;
        queue.length = 0;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Folds a whole list of events into a new store's state (for tests and scripts reading NDJSON).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents } from "@tamr-refresh/kit";
 *
 * const state = foldEvents([{ type: "warning", time: "2026-01-01T12:00:00Z", message: "hi" }]);
 * assert.equal(state.warnings, 1);
 * ```
 */
export function foldEvents(events: readonly RunEvent[]): RunState {
  const store = createRunStore();
  for (const e of events) store.emit(e);
  return store.state;
}

function isFailure(state: StepState): boolean {
  return state === "failed" || state === "stopped" || state === "timed_out";
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

/** The `steps` array of the contract's `finish` event, computed once by the runner. */
export function summarize(state: RunState): StepSummary[] {
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

/** How the run ended, once it did. */
export function runOutcome(state: RunState): RunOutcome | null {
  return state.finish?.outcome ?? null;
}

/** Counts of steps by how they stand, for progress displays; O(1), from the state's counts. */
export function progress(
  state: RunState,
): { done: number; total: number; failed: number; stopped: number } {
  const c = state.counts;
  return {
    done: c.succeeded + c.failed + c.stopped + c.timed_out + c.skipped,
    total: state.steps.length,
    failed: c.failed + c.timed_out,
    // A stopped job did not fail: this run stopped it when quitting, or someone else did.
    stopped: c.stopped,
  };
}
