/**
 * A job's times as the API gives them: only the `stateStartTime` of its status and of its
 * `statusHistory`, whose order is not documented (one Tamr example reads it newest first). So
 * nothing here depends on the order of the history.
 */
import type { Job } from "../api/types.ts";

/** Every parsable `stateStartTime` of the job (status and history), ms since the epoch. */
function stateTimes(job: Job): number[] {
  const texts = [
    job.status?.stateStartTime,
    ...(Array.isArray(job.statusHistory) ? job.statusHistory.map((h) => h?.stateStartTime) : []),
  ];
  const out: number[] = [];
  for (const text of texts) {
    if (typeof text !== "string") continue;
    const t = Date.parse(text);
    if (Number.isFinite(t)) out.push(t);
  }
  return out;
}

/**
 * When the job was created, by the tenant's clock: the earliest `stateStartTime` of its status and
 * statusHistory, whatever their order; null when it has none.
 */
export function createdAt(job: Job): number | null {
  const times = stateTimes(job);
  return times.length ? Math.min(...times) : null;
}

/** The latest moment the job is known to have changed state, by the tenant's clock; or null. */
export function lastChangedAt(job: Job): number | null {
  const times = stateTimes(job);
  return times.length ? Math.max(...times) : null;
}
