/**
 * The strategies the benchmark compares, each run against its own simulated tenant:
 * tamr-refresh's runner (in process, with its default settings time-scaled) and the walkthrough's
 * strategy (one job after another, a poll at once and then every 30 seconds).
 */
import { createJobClient } from "../lib/kit/api/client.ts";
import { DEFAULTS } from "../lib/app/settings/config.ts";
import { parseDuration } from "../lib/kit/duration.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { expectedDurations, journalReduce, newJournal } from "../lib/app/journal/journal.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { type PipelineBound, pipelineBound } from "./bound.ts";

/** What one strategy's run measured. Times are simulated milliseconds. */
export interface RunMetrics {
  label: string;
  outcome: string;
  wallSimMs: number;
  jobs: number;
  requests: RequestCounts;
  /** Per job: from DONE on the tenant to the strategy noticing it. */
  lagsSimMs: number[];
  /** The journal's duration history after the run (tamr-refresh only). */
  history: Record<string, number[]>;
  /** The lower bound for the jobs as they ran on this tenant (simulated ms). */
  bound: PipelineBound;
}

export interface RequestCounts {
  total: number;
  create: number;
  get: number;
  list: number;
  stop: number;
}

/** The walkthrough's `polling_interval_seconds`. */
export const WALKTHROUGH_POLL_MS = 30_000;
/** tamr-refresh's defaults that are times: scaled like the tenant's clock. */
const FIRST_POLL_MS = 1_000;
const SLOT_WAIT_MS = 5_000;

export interface OursOptions {
  label: string;
  scenario: Scenario;
  plan: PlanInput;
  /** Default: tamr-refresh's default (4). */
  concurrency?: number;
  /** The journal history of earlier runs (duration-aware polling); none for a first run. */
  history?: Record<string, number[]>;
}

/**
 * tamr-refresh's runner with its default settings, every duration divided by the scenario's time
 * scale: `--poll-interval 30s`, the first poll after a second, 5 s between tries for a slot.
 */
export async function runOurs(o: OursOptions): Promise<RunMetrics> {
  const scale = o.scenario.timeScale ?? 1;
  const sim = await startSimTenant({ scenario: o.scenario });
  try {
    const plan = buildPlan(o.plan);
    const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
    const where = { tenant: "bench", baseUrl: sim.baseUrl };
    let journal = newJournal(plan, where, new Date().toISOString(), o.history ?? {});
    const expected = expectedDurations(journal);
    const events: RunEvent[] = [];
    const result = await runPipeline({
      client,
      plan,
      ...where,
      emit: (e) => {
        events.push(e);
        journal = journalReduce(journal, e);
      },
      concurrency: o.concurrency ?? DEFAULTS.concurrency,
      pollIntervalMs: parseDuration(DEFAULTS.pollInterval, "poll interval") / scale,
      firstPollMs: FIRST_POLL_MS / scale,
      slotWaitMs: SLOT_WAIT_MS / scale,
      timeoutMs: parseDuration(DEFAULTS.timeout, "timeout") / scale,
      attach: true,
      ...(expected.size > 0 ? { expected } : {}),
    });
    const start = events.find((e) => e.type === "start");
    const finish = events.find((e) => e.type === "finish");
    const noticed = new Map<string, number>();
    for (const e of events) {
      if (e.type === "step" && e.state === "succeeded" && e.jobId) {
        noticed.set(e.jobId, Date.parse(e.time));
      }
    }
    return {
      label: o.label,
      outcome: result.outcome,
      wallSimMs: (Date.parse(finish!.time) - Date.parse(start!.time)) * scale,
      ...tenantMetrics(sim, noticed, scale),
      history: journal.history,
    };
  } finally {
    await sim.close();
  }
}

/**
 * The walkthrough's strategy as a plain loop: every source in turn, then the data product, the
 * index and each publish, each created and then polled at once and every 30 seconds until DONE.
 */
export async function runWalkthrough(
  o: { label: string; scenario: Scenario; plan: PlanInput },
): Promise<RunMetrics> {
  const scale = o.scenario.timeScale ?? 1;
  const sim = await startSimTenant({ scenario: o.scenario });
  try {
    const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
    const noticed = new Map<string, number>();
    const began = Date.now();
    for (const step of buildPlan(o.plan).steps) {
      const { jobId } = await client.createJob(step.configuration);
      for (;;) {
        const job = await client.getJob(jobId);
        if (job.status.state === "DONE") {
          noticed.set(jobId, Date.now());
          if (job.status.error) throw new Error(`${step.id} failed in the walkthrough run`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, WALKTHROUGH_POLL_MS / scale));
      }
    }
    return {
      label: o.label,
      outcome: "succeeded",
      wallSimMs: (Date.now() - began) * scale,
      ...tenantMetrics(sim, noticed, scale),
      history: {},
    };
  } finally {
    await sim.close();
  }
}

/** Requests the tenant received and each job's lag, from the tenant's own records. */
function tenantMetrics(
  sim: SimTenant,
  noticed: ReadonlyMap<string, number>,
  scale: number,
): Pick<RunMetrics, "jobs" | "requests" | "lagsSimMs" | "bound"> {
  const jobs = sim.creates();
  const lagsSimMs: number[] = [];
  for (const job of jobs) {
    const done = doneAt(job);
    const seen = noticed.get(job.jobId);
    if (done !== null && seen !== undefined) lagsSimMs.push(Math.max(0, seen - done) * scale);
  }
  return {
    jobs: jobs.length,
    requests: countRequests(sim.requests),
    lagsSimMs,
    bound: boundOf(sim, jobs, scale),
  };
}

/**
 * The lower bound for the jobs exactly as the tenant ran them: each job's time on the tenant
 * (created to DONE, from its statusHistory), by phase, on the tenant's job limit.
 */
function boundOf(sim: SimTenant, jobs: readonly Job[], scale: number): PipelineBound {
  const loads: number[] = [];
  const after: number[] = [];
  let update = 0;
  for (const job of jobs) {
    const done = doneAt(job);
    const created = Date.parse(job.statusHistory?.[0]?.stateStartTime ?? "");
    if (done === null || !Number.isFinite(created)) continue;
    const ms = (done - created) * scale;
    const step = sim.tenant.stepOf(job.jobId) ?? "";
    if (step.startsWith("load:")) loads.push(ms);
    else if (step.startsWith("update:")) update = Math.max(update, ms);
    else after.push(ms);
  }
  return pipelineBound({ loads, update, after }, sim.tenant.scenario.jobLimit ?? 5);
}

/** When the tenant moved the job to DONE (ms since the epoch), from its statusHistory. */
export function doneAt(job: Job): number | null {
  const entry = job.statusHistory?.find((h) => h.state === "DONE");
  const t = entry?.stateStartTime ? Date.parse(entry.stateStartTime) : NaN;
  return Number.isFinite(t) ? t : null;
}

/** Requests by kind, from a simulated tenant's request log. */
export function countRequests(
  requests: readonly { method: string; path: string }[],
): RequestCounts {
  const counts: RequestCounts = { total: 0, create: 0, get: 0, list: 0, stop: 0 };
  for (const r of requests) {
    counts.total++;
    if (r.method === "POST" && r.path.endsWith(":stop")) counts.stop++;
    else if (r.method === "POST") counts.create++;
    else if (/\/jobs\/[^/]+$/.test(r.path)) counts.get++;
    else counts.list++;
  }
  return counts;
}
