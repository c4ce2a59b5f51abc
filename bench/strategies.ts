/**
 * The strategies the benchmark compares, each against its own simulated tenant, in-process on
 * virtual time (exact, deterministic and fast: a 35-minute run takes a fraction of a second):
 * tamr-refresh's runner with its default settings, and the walkthrough's strategy (one job after
 * another, a poll at once and then every 30 seconds).
 */
import { createJobClient } from "../lib/kit/api/client.ts";
import { DEFAULTS } from "../lib/app/settings/config.ts";
import { parseDuration } from "../lib/kit/duration.ts";
import { type DurationStats, durationStats } from "../lib/kit/history/duration_stats.ts";
import { learnDurations } from "../lib/kit/history/learn.ts";
import { TenantClock } from "../lib/kit/job/tenant_clock.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import type { RunOptions } from "../lib/kit/run/run_options.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import { createInProcessTenant, type InProcessTenant } from "../lib/sim/in_process.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { mulberry32 } from "../lib/sim/_prng.ts";
import { type RequestCounts, tenantMetrics } from "./_tenant_metrics.ts";
import type { PipelineDurations } from "./bound.ts";

export { countRequests, type RequestCounts } from "./_tenant_metrics.ts";

/** What one strategy's run measured (virtual milliseconds). */
export interface RunMetrics {
  label: string;
  outcome: string;
  wallMs: number;
  jobs: number;
  requests: RequestCounts;
  /** Per job: from DONE on the tenant to the strategy noticing it. */
  lagsMs: number[];
  /** Per job: the lag as a share of that job's own duration (creation to DONE), in %. */
  lagPcts: number[];
  /** Each job's duration on the tenant, by phase: what the run's own lower bound is made of. */
  durations: PipelineDurations;
  /**
   * The durations known after the run, by step (what a next run's history holds): those it began
   * with (its own or learned from the tenant) and its own jobs'.
   */
  history: Record<string, number[]>;
  /** Whether the run learned its durations from the tenant's earlier jobs. */
  learned: boolean;
  /** The run's events, in order (none for the walkthrough, which is not tamr-refresh). */
  events: RunEvent[];
}

/** The walkthrough's `polling_interval_seconds`. */
export const WALKTHROUGH_POLL_MS = 30_000;
const KEY = "bench_key";

export interface OursOptions {
  label: string;
  scenario: Scenario;
  plan: PlanInput;
  /** Default: tamr-refresh's default (4). */
  concurrency?: number;
  /** Earlier durations by step (a local history); none for a first run. */
  history?: Record<string, number[]>;
  /** With no local history: learn durations from the tenant's earlier jobs, as the CLI does. */
  learn?: boolean;
  /** More options for the runner (a store to watch the run, for instance). */
  run?: Partial<RunOptions>;
  /** Called on virtual time once the run has started (to look at it while it goes). */
  during?: (clock: VirtualClock, sim: InProcessTenant) => Promise<void>;
}

/** A simulated tenant on its own virtual clock, and a job client for it. */
function virtualTenant(scenario: Scenario) {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: KEY, clock });
  const tenantClock = new TenantClock(clock.now);
  const fetch = tenantClock.watch(sim.fetch);
  const client = createJobClient({
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    fetch,
    createFetch: fetch,
    clock,
    random: mulberry32(scenario.seed ?? 1),
  });
  return { clock, sim, client, tenantClock };
}

/**
 * tamr-refresh's runner with its default settings (`--poll-interval 30s`, the first poll after a
 * second, 5 s between tries for a slot, looking for jobs to attach to), its expectations from
 * `history`, or else (with `learn`) from the tenant's earlier jobs.
 */
export async function runOurs(o: OursOptions): Promise<RunMetrics> {
  const { clock, sim, client, tenantClock } = virtualTenant(o.scenario);
  try {
    const plan = buildPlan(o.plan);
    const events: RunEvent[] = [];
    const began = clock.now();
    const local = o.history ?? {};
    const hasLocal = Object.values(local).some((ds) => ds.length > 0);
    const result = await clock.run(async () => {
      const known = hasLocal || !o.learn
        ? local
        : Object.fromEntries(await learnDurations(client, plan, { before: clock.now() }));
      const expected = statsOf(known);
      const running = runPipeline({
        client,
        plan,
        tenant: "bench",
        baseUrl: sim.baseUrl,
        emit: (e) => events.push(e),
        concurrency: o.concurrency ?? DEFAULTS.concurrency,
        pollIntervalMs: parseDuration(DEFAULTS.pollInterval, "poll interval"),
        firstPollMs: 1_000,
        slotWaitMs: 5_000,
        timeoutMs: parseDuration(DEFAULTS.timeout, "timeout"),
        attach: true,
        clock,
        tenantClock,
        ...(expected.size > 0 ? { expected } : {}),
        ...o.run,
      });
      await o.during?.(clock, sim);
      return { run: await running, known };
    });
    const noticed = new Map<string, number>();
    for (const e of events) {
      if (e.type === "step" && e.state === "succeeded" && e.jobId) {
        noticed.set(e.jobId, Date.parse(e.time));
      }
    }
    const metrics = tenantMetrics(sim, noticed);
    return {
      label: o.label,
      outcome: result.run.outcome,
      wallMs: clock.now() - began,
      ...metrics,
      history: merged(result.known, metrics.byStep),
      learned: !hasLocal && o.learn === true,
      events,
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
  const { clock, sim, client } = virtualTenant(o.scenario);
  try {
    const noticed = new Map<string, number>();
    const began = clock.now();
    await clock.run(async () => {
      for (const step of buildPlan(o.plan).steps) {
        const { jobId } = await client.createJob(step.configuration);
        for (;;) {
          const job = await client.getJob(jobId);
          if (job.status.state === "DONE") {
            noticed.set(jobId, clock.now());
            if (job.status.error) throw new Error(`${step.id} failed in the walkthrough run`);
            break;
          }
          await clock.sleep(WALKTHROUGH_POLL_MS);
        }
      }
    });
    const metrics = tenantMetrics(sim, noticed);
    return {
      label: o.label,
      outcome: "succeeded",
      wallMs: clock.now() - began,
      ...metrics,
      history: {},
      learned: false,
      events: [],
    };
  } finally {
    await sim.close();
  }
}

/** The expectations of a history: each step's duration stats. */
export function statsOf(history: Record<string, number[]>): Map<string, DurationStats> {
  const out = new Map<string, DurationStats>();
  for (const [step, ds] of Object.entries(history)) {
    const stats = durationStats(ds);
    if (stats) out.set(step, stats);
  }
  return out;
}

/** The history after a run: what it knew, then its own jobs' durations. */
function merged(
  known: Record<string, number[]>,
  own: ReadonlyMap<string, number>,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [step, ds] of Object.entries(known)) out[step] = [...ds];
  for (const [step, ms] of own) out[step] = [...(out[step] ?? []), ms];
  return out;
}
