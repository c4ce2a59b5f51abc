/**
 * The scheduler over the plan's graph of steps: which steps to start now and which to skip, from
 * the run state alone. It knows no phases: a step is ready once every step it depends on
 * succeeded, is skipped once one of them ended otherwise, and waits for a slot while its kind is at
 * its limit.
 */
import type { PlanStep, StepKind } from "./plan.ts";
import { isFinalState, type RunState } from "./run_state.ts";

/**
 * How many steps of a kind may run at once; a kind not named has no limit.
 *
 * @example
 * ```ts
 * import type { KindLimits } from "@tamr-refresh/kit";
 *
 * const limits: KindLimits = { load: 4, publish: 2 };
 * ```
 */
export type KindLimits = Partial<Record<StepKind, number>>;

/**
 * What to do now: the scheduler's answer.
 *
 * @example
 * ```ts
 * import type { Moves } from "@tamr-refresh/kit";
 *
 * const describe = (m: Moves) => `start ${m.start.length}, skip ${m.skip.length}`;
 * ```
 */
export interface Moves {
  /** Steps that can never run: a step they depend on did not succeed. */
  skip: PlanStep[];
  /** Steps to start, in priority order. */
  start: PlanStep[];
}

/**
 * Decides the next moves. `order` is every step in priority order (dependencies need not come
 * first); `started` holds the steps already started, skipped or finished by this run. A skip
 * cascades within one call: a step whose dependency is skipped now is skipped too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPlan, createRunStore, nextMoves } from "@tamr-refresh/kit";
 *
 * const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
 * const store = createRunStore();
 * store.emit({
 *   type: "start", time: "2026-01-01T12:00:00Z", version: 1, tenant: "acme",
 *   baseUrl: "https://acme.tamr.cloud", dataProduct: "dp", concurrency: 1,
 *   steps: plan.steps.map((s) => ({ step: s.id, kind: s.kind, target: s.target,
 *     dependsOn: s.dependsOn, body: { configuration: s.configuration } })),
 * });
 * const moves = nextMoves(store.state, plan.steps, new Set(), { load: 1 });
 * assert.deepEqual(moves.start.map((s) => s.id), ["load:s1"]);
 * ```
 */
export function nextMoves(
  state: RunState,
  order: readonly PlanStep[],
  started: ReadonlySet<string>,
  limits: KindLimits,
): Moves {
  const running = new Map<StepKind, number>();
  for (const id of started) {
    const s = state.byId.get(id);
    if (s && !isFinalState(s.state)) running.set(s.kind, (running.get(s.kind) ?? 0) + 1);
  }
  const skipped = new Set<string>();
  const skip: PlanStep[] = [];
  const start: PlanStep[] = [];
  const cannotRun = (id: string): boolean => {
    if (skipped.has(id)) return true;
    const s = state.byId.get(id);
    return s !== undefined && isFinalState(s.state) && s.state !== "succeeded";
  };
  const succeeded = (id: string) => state.byId.get(id)?.state === "succeeded";
  // Skips first, to a fixed point, so a skip reaches every step after it whatever the order.
  for (let changed = true; changed;) {
    changed = false;
    for (const step of order) {
      if (started.has(step.id) || skipped.has(step.id)) continue;
      if (step.dependsOn.some(cannotRun)) {
        skipped.add(step.id);
        skip.push(step);
        changed = true;
      }
    }
  }
  for (const step of order) {
    if (started.has(step.id) || skipped.has(step.id)) continue;
    if (!step.dependsOn.every(succeeded)) continue;
    const limit = limits[step.kind];
    const now = running.get(step.kind) ?? 0;
    if (limit !== undefined && now >= limit) continue;
    running.set(step.kind, now + 1);
    start.push(step);
  }
  return { skip, start };
}

/**
 * With durations from earlier runs, steps of the same kind without dependencies start longest
 * first (LPT), so the slots tend to free up together and what depends on them starts sooner;
 * steps without history go first (they may be long). Only the order among such steps changes.
 */
export function longestFirst<S extends Pick<PlanStep, "id"> & { dependsOn: readonly string[] }>(
  steps: readonly S[],
  expected: ReadonlyMap<string, number> | undefined,
): readonly S[] {
  if (!expected || expected.size === 0) return steps;
  const isRoot = (s: S) => s.dependsOn.length === 0;
  const key = (s: S) => expected.get(s.id) ?? Number.POSITIVE_INFINITY;
  const roots = steps.filter(isRoot).sort((a, b) =>
    key(a) === key(b) ? 0 : key(a) > key(b) ? -1 : 1
  );
  let i = 0;
  return steps.map((s) => isRoot(s) ? roots[i++]! : s);
}
