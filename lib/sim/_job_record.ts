/**
 * One simulated job as the tenant keeps it, and its state by time: a job's state is derived from
 * its timestamps when it is read (no timers): PENDING for `pendingMs`, RUNNING for its duration,
 * then DONE, or STOPPING and DONE once a stop was asked.
 */
import type { JobConfiguration, JobError } from "../kit/api/types.ts";
import type { ScenarioFailure } from "./scenario.ts";

export const STOPPED_BY_USER: JobError = {
  reason: "STOPPED_BY_USER",
  message: "The job was stopped by a user.",
};

export interface JobRecord {
  jobId: string;
  configuration: JobConfiguration;
  stepId: string;
  seq: number;
  createdAt: number;
  runAt: number;
  endAt: number;
  stoppingMs: number;
  /** The error the job ends with when it runs to the end. */
  failure: JobError | null;
  /** When a stop was asked while the job was PENDING or RUNNING. */
  stopAt?: number;
}

export interface Phase {
  state: string;
  at: number;
  error?: JobError | null;
}

/** The error a new job of the step ends with, given how many jobs of the step came before. */
export function failureFor(
  failure: ScenarioFailure | undefined,
  createsBefore: number,
): JobError | null {
  if (!failure) return null;
  const times = failure.times ?? "always";
  if (times !== "always" && createsBefore >= times) return null;
  return { reason: failure.reason, message: failure.message };
}

/** Every phase the job goes through, known in advance from its timestamps and stop. */
function phases(r: JobRecord): Phase[] {
  const out: Phase[] = [{ state: "PENDING", at: r.createdAt }];
  if (r.stopAt !== undefined && r.stopAt < r.runAt) {
    out.push({ state: "DONE", at: r.stopAt, error: STOPPED_BY_USER });
    return out;
  }
  out.push({ state: "RUNNING", at: r.runAt });
  if (r.stopAt !== undefined && r.stopAt < r.endAt) {
    out.push({ state: "STOPPING", at: r.stopAt });
    const stoppedAt = r.stopAt + r.stoppingMs;
    // Stopping is asynchronous: a job about to end anyway ends the way it would have.
    if (r.endAt < stoppedAt) out.push({ state: "DONE", at: r.endAt, error: r.failure });
    else out.push({ state: "DONE", at: stoppedAt, error: STOPPED_BY_USER });
    return out;
  }
  out.push({ state: "DONE", at: r.endAt, error: r.failure });
  return out;
}

/** The phases the job has reached at `t` (at least its first). */
export function reached(r: JobRecord, t: number): Phase[] {
  const all = phases(r);
  const seen = all.filter((p) => p.at <= t);
  return seen.length ? seen : all.slice(0, 1);
}

export function currentPhase(r: JobRecord, t: number): Phase {
  const seen = reached(r, t);
  return seen[seen.length - 1]!;
}

/** When the job began running, or its creation while it never ran: its place by start time. */
export function startKey(r: JobRecord, t: number): number {
  return reached(r, t).find((p) => p.state === "RUNNING")?.at ?? r.createdAt;
}

/**
 * Asks the job to stop at `t`: a PENDING or RUNNING job records the stop; a STOPPING or DONE job
 * is left alone.
 */
export function requestStop(record: JobRecord, t: number): void {
  const state = currentPhase(record, t).state;
  if (state === "PENDING" || state === "RUNNING") record.stopAt = t;
}
