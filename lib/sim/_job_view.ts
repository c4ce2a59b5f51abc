/** A simulated job as the API shows it, and as a list filter sees it, at one moment. */
import type { Job, JobConfiguration, StatusHistoryEntry } from "../kit/api/types.ts";
import type { JobFacts } from "./_filter.ts";
import { type JobRecord, reached } from "./_job_record.ts";

/** The job as the API shows it at `t`: its status and its history, oldest first. */
export function view(r: JobRecord, t: number): Job {
  const seen = reached(r, t);
  const current = seen[seen.length - 1]!;
  const statusHistory: StatusHistoryEntry[] = seen.map((p) => ({
    state: p.state,
    stateStartTime: rfc3339(p.at),
  }));
  return {
    jobId: r.jobId,
    configuration: structuredClone(r.configuration),
    status: {
      state: current.state,
      stateStartTime: rfc3339(current.at),
      ...(current.error ? { error: { ...current.error } } : {}),
    },
    statusHistory,
  };
}

/** What a filter can ask of the job at `t`. */
export function facts(r: JobRecord, t: number): JobFacts {
  const seen = reached(r, t);
  const current = seen[seen.length - 1]!;
  return {
    jobId: r.jobId,
    configuration: r.configuration as unknown as Record<string, unknown>,
    state: current.state,
    hasError: Boolean(current.error),
    createTime: r.createdAt,
    startTime: seen.find((p) => p.state === "RUNNING")?.at,
    cancelTime: r.stopAt !== undefined && r.stopAt <= t ? r.stopAt : undefined,
    stopTime: seen.find((p) => p.state === "DONE")?.at,
  };
}

/** The configuration with fields a server might fill in: a default, an empty one, a null one. */
export function withServerFields(configuration: JobConfiguration): JobConfiguration {
  const out: Record<string, unknown> = { ...configuration, labels: null };
  for (const [kind, fields] of Object.entries(configuration)) {
    out[kind] = { ...fields, priority: "NORMAL", description: "" };
  }
  return out as unknown as JobConfiguration;
}

function rfc3339(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}
