import type { Job, JobClient, JobConfiguration, RetryInfo } from "../api/types.ts";
import { canonicalJson, sameConfiguration } from "../api/types.ts";

export interface FindOptions {
  /** Only jobs that are not DONE. */
  unfinishedOnly?: boolean;
  /** Only jobs created at or after this time (ms since the epoch), from their first status. */
  createdSince?: number;
  /** How many recent jobs to look through at most. */
  maxJobs?: number;
  signal?: AbortSignal | undefined;
  /** Called before each retry of a list request. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
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
  for await (
    const job of client.listJobs({ pageSize: 30, signal: options.signal, onRetry: options.onRetry })
  ) {
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

/** How far the tenant's clock may be behind ours when we look for a job we may have created. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * For a resumed run: the job this run may already have created for `configuration` before it was
 * killed, when the journal never got its id. Looks at the newest job with that configuration
 * created since the run began (less `CLOCK_SKEW_MS` for one still running): one not DONE is
 * returned to be polled again, one DONE without error (created after `runStartedAt`) is returned
 * as the step's finished job, and one DONE with an error means the step must run again (null).
 */
export async function findResumableJob(
  client: JobClient,
  configuration: JobConfiguration,
  runStartedAt: number,
  options: Pick<FindOptions, "maxJobs" | "signal" | "onRetry"> = {},
): Promise<Job | null> {
  const found = await findMatchingJob(client, configuration, {
    ...options,
    createdSince: runStartedAt - CLOCK_SKEW_MS,
  });
  if (!found) return null;
  if (found.status.state !== "DONE") return found;
  if (found.status.error) return null;
  const created = createdAt(found);
  return created !== null && created >= runStartedAt ? found : null;
}

/**
 * After a create whose answer was lost (a timeout, a dropped connection, a 5xx): the job it may
 * have made, sent at `sentAt` (ms since the epoch). Looks at jobs with the configuration created
 * since `sentAt` less `CLOCK_SKEW_MS`, but skips one that had already failed or been stopped
 * before the request was sent: that is an earlier attempt's job, not this create's.
 */
export async function findLostCreate(
  client: JobClient,
  configuration: JobConfiguration,
  sentAt: number,
  options: Pick<FindOptions, "maxJobs" | "signal" | "onRetry"> = {},
): Promise<Job | null> {
  const max = options.maxJobs ?? 100;
  const since = sentAt - CLOCK_SKEW_MS;
  let seen = 0;
  for await (
    const job of client.listJobs({ pageSize: 30, signal: options.signal, onRetry: options.onRetry })
  ) {
    if (++seen > max) break;
    const created = createdAt(job);
    if (created !== null && created < since) break; // newest first: the rest are older
    if (!sameConfiguration(job.configuration, configuration)) continue;
    const ended = Date.parse(job.status.stateStartTime ?? "");
    if (job.status.state === "DONE" && job.status.error && ended < sentAt) continue;
    return job;
  }
  return null;
}

/** The configurations of unfinished jobs among the tenant's 100 most recent (where attach looks). */
export async function unfinishedConfigurations(client: JobClient): Promise<Set<string>> {
  const out = new Set<string>();
  let seen = 0;
  for await (const job of client.listJobs({ pageSize: 30 })) {
    if (++seen > 100) break;
    if (job.status?.state !== "DONE") out.add(canonicalJson(job.configuration));
  }
  return out;
}
