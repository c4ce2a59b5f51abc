/** The categories finished or idle steps fold into, so that the frame fits the terminal. */
import type { StepState } from "../lib/kit/run/events.ts";
import type { RunPhase } from "./_run_phase.ts";

export type FoldCategory = "succeeded" | "stopped" | "skipped" | "waiting";

/** The order categories fold in, until the steps fit. */
export const FOLD_ORDER: readonly FoldCategory[] = ["succeeded", "stopped", "skipped", "waiting"];

/** The category a step folds into; null for a row that never folds (running, or a problem). */
export function categoryOf(state: StepState, run: RunPhase): FoldCategory | null {
  if (state === "succeeded") return "succeeded";
  if (state === "skipped") return "skipped";
  if (state === "waiting" || state === "queued") return "waiting";
  // Jobs this run stopped on an interrupt may fold; a job stopped by someone else never does.
  if (state === "stopped" && run.interrupted) return "stopped";
  return null;
}

/** `waiting` while the run goes on, `not started` once it ended. */
export function categoryWord(category: FoldCategory, run: RunPhase): string {
  return category === "waiting" && run.ended ? "not started" : category;
}
