/** The times a step event says, as the run state keeps them (ms since the epoch). */
import type { StepEvent } from "./step_event.ts";
import type { JobPhases } from "../job/job_times.ts";

/** An RFC 3339 time as ms; null when absent or not a time. */
export function timeOf(text: string | undefined): number | null {
  const v = Date.parse(text ?? "");
  return Number.isFinite(v) ? v : null;
}

/** The phases of a step event (RFC 3339) as ms. */
export function phasesOf(t: NonNullable<StepEvent["jobTimes"]>): JobPhases {
  return {
    createdAt: timeOf(t.createdAt),
    runningAt: timeOf(t.runningAt),
    doneAt: timeOf(t.doneAt),
  };
}

/** A job created earlier than the step's start moves it back; never past the event's own time. */
export function createdBefore(event: StepEvent, startedAt: number | null): number | null {
  const created = Date.parse(event.jobCreatedAt ?? "");
  if (!Number.isFinite(created)) return startedAt;
  const at = Math.min(created, Date.parse(event.time));
  return startedAt === null ? at : Math.min(startedAt, at);
}
