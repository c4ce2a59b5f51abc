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

/**
 * A job's phases by the tenant's clock, ms since the epoch: created (the earliest time of any
 * state but DONE), running (the earliest RUNNING), done (DONE's time, once DONE). Whatever the
 * order of `statusHistory`; a phase the job never went through, or did not say, is null.
 *
 * @example
 * ```ts
 * import type { JobPhases } from "@tamr-refresh/kit";
 *
 * const waited = (p: JobPhases) =>
 *   p.createdAt !== null && p.runningAt !== null ? p.runningAt - p.createdAt : null;
 * ```
 */
export interface JobPhases {
  /** When Tamr created the job. */
  createdAt: number | null;
  /** When it started running: its wait for a slot (PENDING) ended. */
  runningAt: number | null;
  /** When it reached DONE. */
  doneAt: number | null;
}

/**
 * The job's phases from its status and statusHistory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobPhases } from "@tamr-refresh/kit";
 *
 * const p = jobPhases({
 *   jobId: "job_1",
 *   configuration: { load: { sourceId: "s1" } },
 *   status: { state: "DONE", stateStartTime: "2026-01-01T12:05:00Z" },
 *   statusHistory: [
 *     { state: "RUNNING", stateStartTime: "2026-01-01T12:01:00Z" },
 *     { state: "PENDING", stateStartTime: "2026-01-01T12:00:00Z" },
 *   ],
 * });
 * assert.equal(p.doneAt! - p.runningAt!, 4 * 60_000);
 * ```
 */
export function jobPhases(job: Job): JobPhases {
  const entries = [
    job.status,
    ...(Array.isArray(job.statusHistory) ? job.statusHistory : []),
  ];
  const earliest = (want: (state: unknown) => boolean): number | null => {
    let best: number | null = null;
    for (const e of entries) {
      if (!e || !want(e.state) || typeof e.stateStartTime !== "string") continue;
      const t = Date.parse(e.stateStartTime);
      if (Number.isFinite(t) && (best === null || t < best)) best = t;
    }
    return best;
  };
  const doneAt = job.status?.state === "DONE" ? earliest((s) => s === "DONE") : null;
  const createdAt = earliest((s) => s !== "DONE") ?? doneAt;
  const runningAt = earliest((s) => s === "RUNNING");
  return { createdAt, runningAt, doneAt };
}
