/**
 * The run's loop: starts the steps the scheduler says are ready, skips those that cannot run,
 * and waits for steps to end; a step that throws ends as failed and lets the others finish.
 */
import type { DurationStats } from "../history/duration_stats.ts";
import type { PlanStep } from "./plan.ts";
import type { RunHold } from "./hold.ts";
import { isFinalState, type RunStore } from "./run_state.ts";
import { type KindLimits, nextMoves } from "./scheduler.ts";
import { isRunWide, type PriorStep, runStep, type StepContext, type StepEnd } from "./step.ts";
import { stopJobs } from "./stop_in_flight.ts";

/** What the loop needs besides the run store: the steps' shared context, limits, order, history. */
export interface Schedule {
  steps: Omit<StepContext, "expected" | "prior">;
  hold: RunHold | undefined;
  limits: KindLimits;
  order: readonly PlanStep[];
  prior: ReadonlyMap<string, PriorStep> | undefined;
  expected: ReadonlyMap<string, DurationStats> | undefined;
}

/**
 * Starts every step the scheduler says is ready, skips the ones it says cannot run, and waits for
 * steps to end, until nothing runs. Once the run is interrupted nothing new starts. Returns the
 * first error that ended a step without a job outcome (or null), and whether a create that may
 * have reached Tamr went unanswered.
 */
export async function schedule(
  started: Set<string>,
  store: RunStore,
  s: Schedule,
): Promise<{ firstError: Error | null; mayHaveCreated: boolean }> {
  const { signal, emit, clock } = s.steps;
  const running = new Set<Promise<void>>();
  const now = () => new Date(clock.now()).toISOString();
  let firstError: Error | null = null;
  let mayHaveCreated = false;
  let wake: () => void = () => {};
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  const unhold = s.hold?.subscribe(() => wake()) ?? (() => {});
  try {
    for (;;) {
      if (!signal.aborted) {
        const moves = nextMoves(store.state, s.order, started, s.limits);
        // Once Tamr refused the key (or could not be reached), no new step starts: each would
        // fail the same way. Nor while the run is held (a question on screen).
        if (isRunWide(firstError) || s.hold?.held) moves.start.length = 0;
        for (const step of moves.skip) {
          started.add(step.id);
          emit({ ...stepHeader(step, now()), state: "skipped" });
        }
        for (const step of moves.start) {
          started.add(step.id);
          const p: Promise<void> = runGuarded(step, store, {
            ...s.steps,
            expected: s.expected?.get(step.id),
            prior: s.prior?.get(step.id),
          }).then((end) => {
            if (end.state !== "error") return;
            firstError ??= end.error;
            mayHaveCreated ||= end.mayHaveCreated === true;
          }).finally(() => {
            running.delete(p);
            wake();
          });
          running.add(p);
        }
      }
      if (running.size === 0 && (!s.hold?.held || signal.aborted)) {
        return { firstError, mayHaveCreated };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    unhold();
  }
}

/** Runs a step; an unexpected error (a bug) ends that step as failed and lets the others finish. */
async function runGuarded(step: PlanStep, store: RunStore, ctx: StepContext): Promise<StepEnd> {
  try {
    return await runStep(step, ctx);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const now = () => new Date(ctx.clock.now()).toISOString();
    ctx.emit({
      type: "warning",
      time: now(),
      step: step.id,
      message: `${step.id} ended with an unexpected error: ${error.message}`,
    });
    // Its job, if it has one, is not left running unwatched.
    const view = store.state.byId.get(step.id);
    if (view?.jobId && !isFinalState(view.state) && !view.otherRun && !ctx.leaveRunning) {
      await stopJobs([view], { ...ctx, now, options: ctx });
    }
    const after = store.state.byId.get(step.id);
    if (!isFinalState(after?.state ?? "waiting")) {
      ctx.emit({
        ...stepHeader(step, now()),
        state: "failed",
        error: { reason: "UNEXPECTED", message: error.message },
        ...(after?.jobId ? { leftRunning: true } : {}),
      });
    }
    return { state: "error", error };
  }
}

function stepHeader(step: PlanStep, time: string) {
  return { type: "step", time, step: step.id, kind: step.kind, target: step.target } as const;
}
