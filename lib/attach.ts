import type { Job, JobClient, JobConfiguration } from "./types.ts";
import { sameConfiguration } from "./types.ts";

export interface FindOptions {
  /** Only jobs that are not DONE. */
  unfinishedOnly?: boolean;
  /** Only jobs created at or after this time (ms since the epoch), from their first status. */
  createdSince?: number;
  /** How many recent jobs to look through at most. */
  maxJobs?: number;
  signal?: AbortSignal;
}

/** When a job was created, as far as the API tells: the start of its first recorded state. */
export function createdAt(job: Job): number | null {
  const first = job.statusHistory?.[0]?.stateStartTime ?? job.status.stateStartTime;
  const t = first ? Date.parse(first) : NaN;
  return Number.isFinite(t) ? t : null;
}

/**
 * Looks through recent jobs (newest first) for one with the same configuration, checked on our
 * side rather than trusting a server-side filter. Returns the newest match, or null.
 */
export async function findMatchingJob(
  client: JobClient,
  configuration: JobConfiguration,
  options: FindOptions = {},
): Promise<Job | null> {
  const max = options.maxJobs ?? 100;
  let seen = 0;
  for await (const job of client.listJobs({ pageSize: 30, signal: options.signal })) {
    if (++seen > max) break;
    const created = createdAt(job);
    if (options.createdSince !== undefined && created !== null && created < options.createdSince) {
      // Newest first: everything after this one is older still.
      break;
    }
    if (!sameConfiguration(job.configuration, configuration)) continue;
    if (options.unfinishedOnly && job.status.state === "DONE") continue;
    return job;
  }
  return null;
}
