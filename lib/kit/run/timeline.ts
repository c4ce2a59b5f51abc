/**
 * A run's timeline: for each step that had a job, when Tamr created it, when it started running
 * (its wait for a slot ended) and when it ended, from the job's own `statusHistory`; our own times
 * where Tamr said nothing (a job that could not be read at its end).
 */
import type { StepOutcome } from "./step_state.ts";
import type { RunState, StepView } from "./run_state.ts";
import { stepOutcome } from "./summary.ts";

/**
 * One step on the timeline. Times are RFC 3339 (the tenant's clock when from Tamr); `waitMs` is
 * from creation to running (PENDING: waiting for a slot), `runMs` from running to the end.
 *
 * @example
 * ```ts
 * import type { TimelineEntry } from "@tamr-refresh/kit";
 *
 * const busy = (t: TimelineEntry) => (t.waitMs ?? 0) + (t.runMs ?? 0);
 * ```
 */
export interface TimelineEntry {
  /** The step id, `<kind>:<target>`. */
  step: string;
  /** What the step does. */
  kind: StepView["kind"];
  /** The source, data product, workflow or destination id. */
  target: string;
  /** The Tamr job, or null when none was created. */
  jobId: string | null;
  /** How the step ended, as in the `finish` event's steps. */
  outcome: StepOutcome;
  /** When the job was created (or the step began its create). */
  createdAt: string | null;
  /** When the job started running; null when it never did (or Tamr did not say). */
  runningAt: string | null;
  /** When the job ended (DONE), or the step did. */
  endedAt: string | null;
  /** Waiting for a slot (PENDING), ms. */
  waitMs: number | null;
  /** Running, ms. */
  runMs: number | null;
  /** Tamr's reason when the step did not succeed. */
  reason: string | null;
  /**
   * Tamr's message when the step did not succeed (what went wrong, in Tamr's words). Absent from
   * the timelines an earlier version recorded.
   */
  message?: string | null;
}

/**
 * The timeline of every step that began (plan order); steps never started are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents, timelineOf } from "@tamr-refresh/kit";
 *
 * assert.deepEqual(timelineOf(foldEvents([])), []);
 * ```
 */
export function timelineOf(state: RunState): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const s of state.steps) {
    const t = s.jobTimes;
    const created = t?.createdAt ?? s.startedAt;
    if (created === null) continue;
    const ended = t?.doneAt ?? s.endedAt;
    const running = t?.runningAt ?? null;
    const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
    out.push({
      step: s.id,
      kind: s.kind,
      target: s.target,
      jobId: s.jobId,
      outcome: stepOutcome(s),
      createdAt: iso(created),
      runningAt: iso(running),
      endedAt: iso(ended),
      waitMs: running !== null
        ? Math.max(0, running - created)
        : ended !== null
        ? ended - created
        : null,
      runMs: running !== null && ended !== null ? Math.max(0, ended - running) : null,
      reason: s.error?.reason ?? null,
      message: s.error?.message ?? null,
    });
  }
  return out;
}
