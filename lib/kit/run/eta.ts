/**
 * When the whole run is expected to end, from its state now: the running steps' remaining time,
 * then the steps still to run list-scheduled the way the runner starts them (the scheduler's
 * order, the limits per kind of step, the tenant's limit of jobs at once, the dependencies), each
 * taking its expected duration (the median of earlier runs) and the poller's mean lag in noticing
 * its end. Pure: the same state and time give the same answer.
 */
import { ReadyQueues } from "./_ready_queues.ts";
import { DEFAULT_POLL_INTERVAL_MS } from "../defaults.ts";
import { noticeLagOf } from "./_notice_lag.ts";
import type { StepKind } from "./plan.ts";
import { isFinalState, type RunState, type StepView } from "./run_state.ts";
import { type KindLimits, longestFirst } from "./scheduler.ts";

/** A tenant runs at most this many jobs at once by default (Tamr's documented limit). */
export const DEFAULT_TENANT_JOB_LIMIT = 5;

/**
 * Past its expectation, a running step is expected to need this share of its time so far again:
 * the estimate never says "now" for a step still running, and moves on while it runs.
 */
export const OVERRUN_SHARE = 0.1;

/**
 * What `runEta()` needs besides the state: the run's limits.
 *
 * @example
 * ```ts
 * import type { EtaOptions } from "@tamr-refresh/kit";
 *
 * const options: EtaOptions = { limits: { load: 4 }, jobLimit: 5 };
 * ```
 */
export interface EtaOptions {
  /** How many steps of a kind run at once; default `{ load: state.concurrency }`. */
  limits?: KindLimits | undefined;
  /** How many jobs the tenant runs at once; default 5. */
  jobLimit?: number | undefined;
  /**
   * The longest wait between two polls (`--poll-interval`; default the run's, from its start
   * event, else 30 s): each step's end is
   * expected to be seen as late as the poller's plan for it makes on average. 0: seen at once.
   */
  pollIntervalMs?: number | undefined;
}

/**
 * The expected end of a run. `endsAt` is null when nothing tells how long the steps still to run
 * take; when only some of them are known, it is the earliest the run can end by what is known
 * (`lowerBound`: the unknown ones counted as taking no time), never a precise-looking guess.
 *
 * @example
 * ```ts
 * import type { RunEta } from "@tamr-refresh/kit";
 *
 * const say = (eta: RunEta) =>
 *   eta.endsAt === null
 *     ? "end unknown"
 *     : `${eta.lowerBound ? "at least" : "about"} ${Math.round(eta.remainingMs! / 60_000)} min left`;
 * ```
 */
export interface RunEta {
  /** When the run is expected to end, ms since the epoch; null when unknown. */
  endsAt: number | null;
  /** `endsAt` minus the time it was computed for; null when unknown. */
  remainingMs: number | null;
  /** True when some step still to run has no expectation: `endsAt` is then a lower bound. */
  lowerBound: boolean;
  /** How many steps still to run (or running) have no expectation. */
  unknownSteps: number;
}

/**
 * The expected end of the run at `now` (ms since the epoch).
 *
 * A running step is expected to end at its median; past it, after another tenth of its time so
 * far (`OVERRUN_SHARE`), so the estimate keeps moving while it runs. Each end is seen the poller's
 * mean lag later (a few seconds: about 2% of a short job, less of a long one). Steps still to run start as
 * the runner would start them: ready (every dependency succeeded), in the scheduler's order
 * (sources with known durations longest first), while their kind is under its limit and the
 * tenant under its job limit. A step that can no longer run (a dependency failed) is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPlan, createRunStore, runEta } from "@tamr-refresh/kit";
 *
 * const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
 * const store = createRunStore();
 * const minutes = { "load:s1": 5, "load:s2": 3, "update:dp": 10 } as Record<string, number>;
 * store.emit({
 *   type: "start", time: "2026-01-01T12:00:00Z", version: 1, tenant: "acme",
 *   baseUrl: "https://acme.tamr.cloud", dataProduct: "dp", concurrency: 1,
 *   steps: plan.steps.map((s) => ({ step: s.id, kind: s.kind, target: s.target,
 *     dependsOn: s.dependsOn, body: { configuration: s.configuration },
 *     expectedMs: minutes[s.id]! * 60_000 })),
 * });
 * // One source at a time: 5 + 3 minutes, then the data product's 10, each end seen at once.
 * const t0 = Date.parse("2026-01-01T12:00:00Z");
 * assert.equal(runEta(store.state, t0, { pollIntervalMs: 0 }).remainingMs, 18 * 60_000);
 * // Polled at most 30 s apart (the default), each end is seen a few seconds after it happens.
 * const eta = runEta(store.state, t0);
 * assert.ok(eta.remainingMs! > 18 * 60_000 && eta.remainingMs! < 19 * 60_000);
 * assert.equal(eta.lowerBound, false);
 * ```
 */
export function runEta(state: RunState, now: number, options: EtaOptions = {}): RunEta {
  if (state.finishedAt !== null) {
    return { endsAt: state.finishedAt, remainingMs: 0, lowerBound: false, unknownSteps: 0 };
  }
  if (state.startedAt === null) return unknown(0);
  const limits = options.limits ?? { load: state.concurrency };
  const jobLimit = Math.max(1, options.jobLimit ?? DEFAULT_TENANT_JOB_LIMIT);
  const work = workOf(
    state,
    now,
    options.pollIntervalMs ?? state.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
  );
  if (work.known === 0 && work.unknown > 0) return unknown(work.unknown);
  const endsAt = Math.max(now, listSchedule(work, now, limits, jobLimit));
  return {
    endsAt,
    remainingMs: endsAt - now,
    lowerBound: work.unknown > 0,
    unknownSteps: work.unknown,
  };
}

function unknown(unknownSteps: number): RunEta {
  return { endsAt: null, remainingMs: null, lowerBound: false, unknownSteps };
}

/**
 * How long a running step is still expected to take at `now`: its median minus its time so far;
 * past that, `OVERRUN_SHARE` of its time so far (continuous, never zero, growing while it runs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { remainingOf } from "@tamr-refresh/kit";
 *
 * assert.equal(remainingOf(10 * 60_000, 4 * 60_000), 6 * 60_000);
 * assert.equal(remainingOf(10 * 60_000, 20 * 60_000), 2 * 60_000); // past it: a tenth again
 * ```
 */
export function remainingOf(expectedMs: number, elapsedMs: number): number {
  const elapsed = Math.max(0, elapsedMs);
  return Math.max(expectedMs - elapsed, OVERRUN_SHARE * Math.max(elapsed, 1));
}

/** One step of the schedule: its kind, what it waits for, and how long it still takes. */
interface Node {
  view: StepView;
  order: number;
  /** Dependencies not yet (simulated) done. */
  waitingFor: number;
  dependents: Node[];
  /** Still to take, ms (0 when unknown: the lower bound). */
  duration: number;
}

/** The steps that still take time, sorted into running, holding a slot, and still to start. */
interface Work {
  /** Running with a job: their ends. */
  running: { node: Node; end: number }[];
  /** Started but without a job yet (the create waits for the tenant): they hold their kind's slot. */
  holding: Node[];
  /** Not started and still able to run, in the scheduler's order. */
  todo: Node[];
  known: number;
  unknown: number;
}

/** The run's remaining work at `now`, each end seen as late as polls `capMs` apart make it. */
function workOf(state: RunState, now: number, capMs: number): Work {
  const order = longestFirst(state.steps, mediansOf(state.steps));
  const doomed = doomedSteps(state);
  const nodes = new Map<string, Node>();
  const work: Work = { running: [], holding: [], todo: [], known: 0, unknown: 0 };
  order.forEach((view, i) => {
    if (isFinalState(view.state) || doomed.has(view.id)) return;
    const started = view.state === "creating" || view.state === "running" ||
      view.state === "stopping";
    const node: Node = { view, order: i, waitingFor: 0, dependents: [], duration: 0 };
    nodes.set(view.id, node);
    if (view.expectedMs === null) work.unknown++;
    else work.known++;
    const lag = noticeLagOf(view, capMs);
    const expected = view.expectedMs === null ? 0 : view.expectedMs + lag;
    if (started && view.jobId !== null) {
      const elapsed = now - (view.startedAt ?? now);
      const left = view.expectedMs === null ? 0 : remainingOf(view.expectedMs, elapsed) + lag;
      work.running.push({ node, end: now + left });
    } else if (started) {
      node.duration = expected;
      work.holding.push(node);
    } else {
      node.duration = expected;
      work.todo.push(node);
    }
  });
  for (const node of work.todo) {
    for (const dep of node.view.dependsOn) {
      const d = nodes.get(dep);
      if (d === undefined) continue; // succeeded already
      node.waitingFor++;
      d.dependents.push(node);
    }
  }
  return work;
}

/** Every step's median, for the scheduler's order. */
function mediansOf(steps: readonly StepView[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of steps) if (s.expectedMs !== null) out.set(s.id, s.expectedMs);
  return out;
}

/** Steps that can never run: a step they depend on (or one before it) ended without succeeding. */
function doomedSteps(state: RunState): Set<string> {
  const seen = new Map<string, boolean>();
  const path = new Set<string>();
  const isDoomed = (id: string): boolean => {
    const known = seen.get(id);
    if (known !== undefined) return known;
    const s = state.byId.get(id);
    if (s === undefined || path.has(id)) return false;
    path.add(id);
    const result = (isFinalState(s.state) && s.state !== "succeeded") ||
      s.dependsOn.some(isDoomed);
    path.delete(id);
    seen.set(id, result);
    return result;
  };
  return new Set(state.steps.filter((s) => isDoomed(s.id)).map((s) => s.id));
}

/** Runs the schedule forward from `now`; returns when the last step ends. */
function listSchedule(work: Work, now: number, limits: KindLimits, jobLimit: number): number {
  const inKind = new Map<StepKind, number>();
  const take = (kind: StepKind, n: number) => inKind.set(kind, (inKind.get(kind) ?? 0) + n);
  const running = [...work.running];
  for (const r of running) take(r.node.view.kind, 1);
  for (const h of work.holding) take(h.view.kind, 1);
  const holding = [...work.holding];
  const ready = new ReadyQueues(work.todo.filter((n) => n.waitingFor === 0));
  const hasRoom = (kind: StepKind) => (inKind.get(kind) ?? 0) < (limits[kind] ?? Infinity);
  let t = now;
  for (;;) {
    // Steps holding a slot get the tenant's free slots first, then ready steps in order.
    while (running.length < jobLimit && holding.length > 0) {
      const node = holding.shift()!;
      running.push({ node, end: t + node.duration });
    }
    while (running.length < jobLimit) {
      const node = ready.next(hasRoom);
      if (node === undefined) break;
      take(node.view.kind, 1);
      running.push({ node, end: t + node.duration });
    }
    if (running.length === 0) return t;
    t = Math.min(...running.map((r) => r.end));
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (r.end > t) continue;
      running.splice(i, 1);
      take(r.node.view.kind, -1);
      for (const next of r.node.dependents) if (--next.waitingFor === 0) ready.add(next);
    }
  }
}
