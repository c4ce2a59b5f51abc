/** What a step reads from its job: when Tamr created it, how long it took, its phases. */
import type { Job, JobClient } from "../api/types.ts";
import { jobPhases } from "../job/job_times.ts";
import type { TenantClock } from "../job/tenant_clock.ts";
import type { StepEvent } from "./events.ts";

/** When Tamr created a job: the earliest time of its statusHistory (in any order), RFC 3339. */
export function jobCreatedAt(job: Job): string | undefined {
  const ms = createdMs(job);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** When Tamr created a job (ms): the earliest time it said of a state before DONE. */
export function createdMs(job: Job): number | undefined {
  const p = jobPhases(job);
  // Only a DONE time said: its creation is unknown (jobPhases falls back to the DONE time).
  return p.createdAt === null || p.createdAt === p.doneAt ? undefined : p.createdAt;
}

/** How long a DONE job took on Tamr (creation to DONE, by its statusHistory), when it says. */
export function jobDuration(job: Job): { jobDurationMs?: number } {
  const created = createdMs(job);
  const done = jobPhases(job).doneAt;
  if (created === undefined || done === null) return {};
  const ms = done - created;
  return ms >= 0 ? { jobDurationMs: ms } : {};
}

/** The job's phases from its statusHistory, for the step's final event (when Tamr said any). */
export function timesOf(job: Job): Pick<StepEvent, "jobTimes"> {
  const p = jobPhases(job);
  const iso = (ms: number | null) => ms === null ? undefined : new Date(ms).toISOString();
  const times = {
    ...(p.createdAt !== null ? { createdAt: iso(p.createdAt)! } : {}),
    ...(p.runningAt !== null ? { runningAt: iso(p.runningAt)! } : {}),
    ...(p.doneAt !== null ? { doneAt: iso(p.doneAt)! } : {}),
  };
  return Object.keys(times).length > 0 ? { jobTimes: times } : {};
}

/**
 * When a job was created, on our clock: its creation by the tenant's clock, moved by the best
 * estimate of how far that clock is from ours (none when the estimate has no bounds).
 */
export function createdOnOurClock(job: Job, tenantClock: TenantClock): number | null {
  const created = createdMs(job);
  if (created === undefined) return null;
  const { lo, hi } = tenantClock.offset();
  return Number.isFinite(lo) && Number.isFinite(hi) ? created - (lo + hi) / 2 : created;
}

/** Outcomes after which a resumed step runs again rather than polling its old job. */
const RUN_AGAIN: ReadonlySet<string> = new Set(["failed", "timed_out", "stopped"]);

/**
 * Whether a resumed step polls the job the earlier run had for it: not when that step ended
 * failed, timed out or stopped, nor when the earlier run asked Tamr to stop the job and it ended
 * stopped (one GET): that step is run again.
 */
export async function resumesJob(
  prior: {
    jobId?: string | undefined;
    outcome?: string | undefined;
    stopRequested?: boolean | undefined;
  },
  ctx: { client: JobClient; signal: AbortSignal },
): Promise<boolean> {
  if (!prior.jobId || RUN_AGAIN.has(prior.outcome ?? "")) return false;
  return !await stoppedByUs(prior, ctx);
}

/**
 * True when the earlier run asked Tamr to stop the step's job and it ended stopped (one GET).
 * Any doubt (the job still going, a failed read) is false: the step polls the job as usual.
 */
async function stoppedByUs(
  prior: { jobId?: string | undefined; stopRequested?: boolean | undefined },
  ctx: { client: JobClient; signal: AbortSignal },
): Promise<boolean> {
  if (!prior.stopRequested || !prior.jobId) return false;
  try {
    const job = await ctx.client.getJob(prior.jobId, { signal: ctx.signal });
    return job.status?.state === "DONE" && job.status.error?.reason === "STOPPED_BY_USER";
  } catch {
    return false;
  }
}
