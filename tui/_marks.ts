/** How each state of a step reads on the frame: its mark, and the groups of states the rows use. */
import type { StepState } from "../lib/kit/run/events.ts";
import type { Part } from "./_line.ts";

/** The mark before a step's target; null for a step in flight, which has a spinner. */
export const MARKS: Record<StepState, Part | null> = {
  waiting: { text: "○", tone: "dim" },
  queued: { text: "○", tone: "dim" },
  creating: null,
  running: null,
  stopping: null,
  succeeded: { text: "✔", tone: "green" },
  failed: { text: "✖", tone: "red" },
  stopped: { text: "■", tone: "yellow" },
  timed_out: { text: "⏱", tone: "red" },
  skipped: { text: "–", tone: "dim" },
};

/** Steps that never ran, or not yet: their rows are dim. */
export const INACTIVE: ReadonlySet<StepState> = new Set(["waiting", "queued", "skipped"]);
/** Steps with a job in flight. */
export const ACTIVE: ReadonlySet<StepState> = new Set(["creating", "running", "stopping"]);
/** Steps that ended without succeeding: their rows show Tamr's reason. */
export const PROBLEM: ReadonlySet<StepState> = new Set(["failed", "stopped", "timed_out"]);
