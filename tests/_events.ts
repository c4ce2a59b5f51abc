/** Builders of run events for reporter tests: a time `t(s)` seconds into a run, a start, a step. */
import type { RunEvent, StepEvent } from "../lib/kit/run/events.ts";
import type { Plan } from "../lib/kit/run/plan.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { summarize } from "../lib/kit/run/summary.ts";
import { type EndView, endView } from "../lib/app/outputs/end_view.ts";

/** `s` seconds after 12:00:00 on 2026-01-01, as RFC 3339. */
export const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();

/** A `start` event for steps given by id (`load:s1`, ...), with no dependencies. */
export const start = (ids: string[]): RunEvent => ({
  type: "start",
  time: t(0),
  version: 1,
  tenant: "acme",
  baseUrl: "https://acme.tamr.cloud",
  dataProduct: "dp",
  concurrency: 4,
  steps: ids.map((id) => ({
    step: id,
    kind: id.split(":")[0] as "load",
    target: id.split(":")[1]!,
    dependsOn: [],
    body: { configuration: {} },
  })),
});

/**
 * The `start` event of a built plan at `time`, each step with its usual duration and p90 (minutes)
 * where `usual` and `p90` give them.
 */
export function startOfPlan(
  plan: Plan,
  o: {
    time: string;
    concurrency: number;
    usual?: Record<string, number>;
    p90?: Record<string, number>;
  },
): RunEvent {
  const MIN = 60_000;
  return {
    type: "start",
    time: o.time,
    version: 1,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: plan.dataProduct,
    concurrency: o.concurrency,
    steps: plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
      ...(o.usual?.[s.id] !== undefined ? { expectedMs: o.usual[s.id]! * MIN } : {}),
      ...(o.p90?.[s.id] !== undefined ? { p90Ms: o.p90[s.id]! * MIN } : {}),
    })),
  };
}

/** A `step` event `s` seconds into the run. */
export const step = (
  s: number,
  id: string,
  state: StepEvent["state"],
  extra: Partial<StepEvent> = {},
): StepEvent => ({
  type: "step",
  time: t(s),
  step: id,
  kind: id.split(":")[0] as "load",
  target: id.split(":")[1]!,
  state,
  ...extra,
});

/**
 * The events as the runner emits them: its `finish` carries every step's summary, computed once
 * from the run state (fixtures write `steps: []` and let this fill it in).
 */
export function asRun(events: readonly RunEvent[]): RunEvent[] {
  const store = createRunStore();
  return events.map((e) => {
    const out: RunEvent = e.type === "finish" ? { ...e, steps: summarize(store.state) } : e;
    store.emit(out);
    return out;
  });
}

/** What the end reports read of a finished run given as events. */
export function endViewOf(events: readonly RunEvent[]): EndView {
  const run = asRun(events);
  const finish = run.at(-1);
  if (finish?.type !== "finish") throw new Error("the events do not end with finish");
  return endView(foldEvents(run), finish);
}
