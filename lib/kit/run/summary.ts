/** The run state summed up: each step's outcome for `finish`, and progress counts. */
import type { StepOutcome, StepSummary } from "./events.ts";
import type { RunState, StepView } from "./run_state.ts";

/** A step's outcome for the `finish` event. */
export function stepOutcome(step: StepView): StepOutcome {
  switch (step.state) {
    case "failed":
    case "stopped":
    case "timed_out":
      // Its job could not be stopped: it may still be running on Tamr.
      return step.leftRunning ? "running" : step.state;
    case "succeeded":
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

/**
 * The `steps` array of the contract's `finish` event, computed once by the runner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents, summarize } from "@tamr-refresh/kit";
 *
 * assert.deepEqual(summarize(foldEvents([])), []);
 * ```
 */
export function summarize(state: RunState): StepSummary[] {
  return state.steps.map((s) => ({
    step: s.id,
    kind: s.kind,
    target: s.target,
    jobId: s.jobId,
    outcome: stepOutcome(s),
    error: s.error,
    durationMs: durationOf(s),
  }));
}

/**
 * How long a step took: for a job that ended (DONE), Tamr's own time from its statusHistory
 * (creation to DONE), as the timeline counts it, so that a job watched again after a detach does
 * not count the time it was already done before the resumed run looked; otherwise (no job, or
 * Tamr did not say) from when the step began to when it ended.
 */
function durationOf(s: StepView): number | null {
  if (s.state !== "skipped") {
    const t = s.jobTimes;
    if (t?.createdAt != null && t.doneAt != null) return Math.max(0, t.doneAt - t.createdAt);
    if (s.state === "succeeded" && s.jobDurationMs !== null) return s.jobDurationMs;
  }
  return s.startedAt !== null && s.endedAt !== null ? s.endedAt - s.startedAt : null;
}

/**
 * Counts of steps by how they stand, for progress displays; O(1), from the state's counts.
 *
 * @example
 * ```ts
 * import { foldEvents, progress } from "@tamr-refresh/kit";
 *
 * const { done, total } = progress(foldEvents([]));
 * ```
 */
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

/**
 * How long a run took at `now` (or at its finish): the whole run (a resumed run's earlier parts
 * without the gaps between them, plus this part), and this part alone; both equal for a run in
 * one part. Null before the run started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents, runTimeMs } from "@tamr-refresh/kit";
 *
 * assert.equal(runTimeMs(foldEvents([]), Date.now()), null);
 * ```
 */
export function runTimeMs(
  state: Pick<RunState, "startedAt" | "finishedAt" | "earlierMs">,
  now: number,
): { totalMs: number; partMs: number; resumed: boolean } | null {
  if (state.startedAt === null) return null;
  const partMs = Math.max(0, (state.finishedAt ?? now) - state.startedAt);
  const earlier = state.earlierMs;
  return { totalMs: (earlier ?? 0) + partMs, partMs, resumed: earlier !== null };
}
