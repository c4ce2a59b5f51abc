/** What a run cost and how fast it noticed each end, from the simulated tenant's own records. */
import { jobPhases } from "../lib/kit/job/job_times.ts";
import type { SimTenant } from "../lib/sim/server.ts";
import type { PipelineDurations } from "./bound.ts";

/** Requests by kind. */
export interface RequestCounts {
  total: number;
  create: number;
  get: number;
  /** Lists that look for jobs (learning, attaching, a lost create). */
  list: number;
  /** Lists of the jobs being waited on, by `job_id`: polls, shared. */
  sharedPoll: number;
  stop: number;
}

/** Requests by kind, from a simulated tenant's request log. */
export function countRequests(
  requests: readonly { method: string; path: string; query?: string }[],
): RequestCounts {
  const counts: RequestCounts = { total: 0, create: 0, get: 0, list: 0, sharedPoll: 0, stop: 0 };
  for (const r of requests) {
    counts.total++;
    if (r.method === "POST" && r.path.endsWith(":stop")) counts.stop++;
    else if (r.method === "POST") counts.create++;
    else if (/\/jobs\/[^/]+$/.test(r.path)) counts.get++;
    else if (r.query?.includes("job_id")) counts.sharedPoll++;
    else counts.list++;
  }
  return counts;
}

/** A run's measures from the tenant: `noticed` is when the strategy saw each job DONE (by job id). */
export interface TenantMeasures {
  jobs: number;
  requests: RequestCounts;
  lagsMs: number[];
  lagPcts: number[];
  durations: PipelineDurations;
  /** Each step's job duration, creation to DONE. */
  byStep: Map<string, number>;
}

/**
 * Each job's lag (DONE on the tenant to noticed), alone and as a share of its duration; the
 * durations by phase (sources, the data product, the rest) for the run's own lower bound.
 */
export function tenantMetrics(
  sim: SimTenant,
  noticed: ReadonlyMap<string, number>,
): TenantMeasures {
  const jobs = sim.creates();
  const lagsMs: number[] = [];
  const lagPcts: number[] = [];
  const loads: number[] = [];
  const after: number[] = [];
  const byStep = new Map<string, number>();
  let update = 0;
  for (const job of jobs) {
    const { createdAt, doneAt } = jobPhases(job);
    if (createdAt === null || doneAt === null) continue;
    const ms = doneAt - createdAt;
    const seen = noticed.get(job.jobId);
    if (seen !== undefined) {
      lagsMs.push(Math.max(0, seen - doneAt));
      lagPcts.push((100 * Math.max(0, seen - doneAt)) / ms);
    }
    const step = sim.tenant.stepOf(job.jobId) ?? "";
    byStep.set(step, ms);
    if (step.startsWith("load:")) loads.push(ms);
    else if (step.startsWith("update:")) update = Math.max(update, ms);
    else after.push(ms);
  }
  return {
    jobs: jobs.length,
    requests: countRequests(sim.requests),
    lagsMs,
    lagPcts,
    durations: { loads, update, after },
    byStep,
  };
}
