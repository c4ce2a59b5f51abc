/**
 * The run store: a run's state and its event stream in one. Every event is folded into the state
 * once, as it is emitted; folding touches only the step it names, so an event costs the same with
 * 1,000 steps as with 10.
 */
import type { RunEvent, StartEvent, StepEvent, StepState } from "./events.ts";
import {
  foldStep,
  newStepView,
  type RunListener,
  type RunState,
  type RunStore,
  STEP_STATES,
  type StepView,
} from "./run_state.ts";

type MutableState = { -readonly [K in keyof RunState]: RunState[K] };

/** The state and the indexes the store keeps beside it. */
interface Inside {
  state: MutableState;
  steps: StepView[];
  index: Map<string, number>;
  byId: Map<string, StepView>;
  counts: Record<StepState, number>;
}

/**
 * Creates an empty store; the `start` event fills in the plan.
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
export function createRunStore(): RunStore {
  const inside = emptyInside();
  const listeners = new Set<RunListener>();
  const queue: RunEvent[] = [];
  let delivering = false;
  return {
    state: inside.state,
    emit(event) {
      queue.push(event);
      if (delivering) return; // a listener's event: delivered once the current one reached all
      delivering = true;
      try {
        for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
          fold(inside, e);
          for (const l of listeners) l(e, inside.state);
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

function emptyCounts(): Record<StepState, number> {
  return Object.fromEntries(STEP_STATES.map((s) => [s, 0])) as Record<StepState, number>;
}

function emptyInside(): Inside {
  const steps: StepView[] = [];
  const byId = new Map<string, StepView>();
  const counts = emptyCounts();
  return {
    steps,
    byId,
    counts,
    index: new Map(),
    state: {
      tenant: "",
      baseUrl: "",
      dataProduct: "",
      concurrency: 0,
      pollIntervalMs: null,
      startedAt: null,
      finishedAt: null,
      earlierMs: null,
      steps,
      byId,
      counts,
      notice: null,
      warnings: 0,
      retries: 0,
      finish: null,
      version: 0,
    },
  };
}

function fold(inside: Inside, event: RunEvent): void {
  const { state } = inside;
  const t = Date.parse(event.time);
  state.version++;
  switch (event.type) {
    case "start":
      return foldStart(inside, event, t);
    case "step":
      return foldStepEvent(inside, event, t);
    case "retry": {
      state.retries++;
      const i = event.step === undefined ? undefined : inside.index.get(event.step);
      if (i !== undefined) {
        replace(inside, i, { ...inside.steps[i]!, retries: inside.steps[i]!.retries + 1 });
      }
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
}

function foldStart(inside: Inside, event: StartEvent, t: number): void {
  const { steps, index, byId, counts } = inside;
  steps.length = 0;
  index.clear();
  byId.clear();
  Object.assign(counts, emptyCounts());
  for (const s of event.steps) {
    // A step a resumed run finished before counts as done from the start (the ETA, the counts).
    const view = resumedView(newStepView(s), s, t);
    index.set(view.id, steps.length);
    steps.push(view);
    byId.set(view.id, view);
    counts[view.state]++;
  }
  Object.assign(inside.state, {
    tenant: event.tenant,
    baseUrl: event.baseUrl,
    dataProduct: event.dataProduct,
    concurrency: event.concurrency,
    pollIntervalMs: event.pollIntervalMs ?? null,
    startedAt: t,
    finishedAt: null,
    earlierMs: event.earlierMs ?? null,
    notice: null,
    warnings: 0,
    retries: 0,
    finish: null,
  });
}

function foldStepEvent(inside: Inside, event: StepEvent, t: number): void {
  const i = inside.index.get(event.step);
  if (i !== undefined) replace(inside, i, foldStep(inside.steps[i]!, event));
  const failed = event.state === "failed" || event.state === "stopped" ||
    event.state === "timed_out";
  if (event.error && failed) {
    inside.state.notice = {
      level: "failure",
      message: `${event.error.reason}: ${event.error.message}`,
      step: event.step,
      time: t,
    };
  }
}

function replace(inside: Inside, i: number, next: StepView): void {
  const prev = inside.steps[i]!;
  inside.counts[prev.state]--;
  inside.counts[next.state]++;
  inside.steps[i] = next;
  inside.byId.set(next.id, next);
}

/**
 * A step as a resumed run starts it: one its earlier part finished counts as done, one whose job
 * it watches again counts as running since it began (the ETA, the counts, the dashboard).
 */
function resumedView(fresh: StepView, s: StartEvent["steps"][number], t: number): StepView {
  if (s.succeededBefore) return { ...fresh, state: "succeeded" };
  if (s.resumedJobId === undefined) return fresh;
  const since = Date.parse(s.resumedSince ?? "");
  return {
    ...fresh,
    state: "running",
    jobId: s.resumedJobId,
    startedAt: Number.isFinite(since) ? Math.min(since, t) : t,
  };
}
