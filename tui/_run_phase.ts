/** How the run stands, and which steps went wrong: what the words and the folding depend on. */
import type { RunState, StepView } from "../lib/kit/run/run_state.ts";

/**
 * How the run stands, for the words and the folding: whether it ended (steps that never ran are
 * `not started`), and whether it is being interrupted (its stopped jobs were stopped by this run).
 */
export interface RunPhase {
  ended: boolean;
  interrupted: boolean;
}

export function runPhaseOf(state: RunState, quitting: boolean): RunPhase {
  return {
    ended: state.finishedAt !== null,
    interrupted: quitting || state.finish?.outcome === "interrupted",
  };
}

/**
 * A step that went wrong: failed, timed out, or stopped by someone else (a job this run stopped
 * on an interrupt is not). Its row is never folded, and it is printed in full after the run.
 */
export function isProblem(step: StepView, run: RunPhase): boolean {
  if (step.state === "failed" || step.state === "timed_out") return true;
  return step.state === "stopped" && !run.interrupted;
}
