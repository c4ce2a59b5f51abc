/**
 * Learning how long a plan's jobs take from the tenant itself, for a first run with no history of
 * its own: the tenant's job list keeps earlier jobs of the same configurations, with their status
 * history, whoever started them (another machine, a colleague, the walkthrough's script).
 *
 * One list, narrowed by the documented `filter` (the plan's configurations OR-ed, DONE, no error)
 * and read for a few pages at most, no further once every step has enough durations; each job is
 * still checked on our side (`matchesSent`, its state, its times). A tenant that refuses the filter (400) is scanned instead: its newest jobs,
 * within the same page budget.
 */
import { ApiError } from "../errors.ts";
import type { Job, JobClient, RetryInfo } from "../api/types.ts";
import {
  allOf,
  anyOf,
  configurationFilter,
  type JobFilter,
  not,
  renderFilter,
  stateIs,
} from "../api/job_filter.ts";
import { jobPhases } from "../job/job_times.ts";
import { matchesSent } from "../job/match.ts";
import { type Plan, type PlanStep, stepIdFor } from "../run/plan.ts";

/**
 * How `learnDurations()` reads the tenant's earlier jobs.
 *
 * @example
 * ```ts
 * import type { LearnOptions } from "@tamr-refresh/kit";
 *
 * const options: LearnOptions = { before: Date.now(), maxPages: 2, signal: AbortSignal.timeout(30_000) };
 * ```
 */
export interface LearnOptions {
  /**
   * Jobs created after this moment (ms since the epoch, by the tenant's clock: the jobs' own times)
   * are left out: the run's own start, so that its jobs do not count. Default: none left out.
   */
  before?: number | undefined;
  /** The most list pages read (the filtered list, or the scan that replaces it). Default 3. */
  maxPages?: number | undefined;
  /** Jobs per page, 1 to 30. Default 30. */
  pageSize?: number | undefined;
  /**
   * Once every step of the plan has this many durations, no further page is asked for (a small
   * plan's first page often holds enough). Default 8.
   */
  enoughSamples?: number | undefined;
  /** Abort: rejects at once with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Called before each retry of a list request. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Told when the tenant refused the filter and its newest jobs were scanned instead. */
  onWarning?: ((message: string) => void) | undefined;
}

/** The pages read when `maxPages` is not given. */
export const DEFAULT_LEARN_PAGES = 3;
/** Jobs per page when `pageSize` is not given: the API's most. */
export const DEFAULT_LEARN_PAGE_SIZE = 30;
/**
 * Durations per step that are enough when `enoughSamples` is not given. With eight, the poller's
 * model of where a job ends is mostly measured rather than assumed: on the standard scenario, 8
 * earlier durations pace the polls nearly as well as 60 (about 0.1 request a job more), while
 * each further page costs a request.
 */
export const DEFAULT_ENOUGH_SAMPLES = 8;
/**
 * A filter longer than this (a plan of hundreds of sources) is not sent as one OR of every
 * configuration: the kinds' presence tests narrow it instead, and our own check decides.
 */
const MAX_FILTER_CHARS = 4_000;

/**
 * The durations (ms, creation to DONE by each job's `statusHistory`) of the tenant's earlier jobs
 * that succeeded, by the plan's step id, oldest first; a step with none is absent. Reads at most
 * `maxPages` pages of the jobs list, newest first. Throws what the job client throws (an
 * `ApiError` for a refused key or an unreachable tenant, `signal.reason` on abort), except a 400
 * to the filter, after which the newest jobs are scanned instead.
 *
 * @example
 * ```ts
 * import { buildPlan, durationStats, type JobClient, learnDurations } from "@tamr-refresh/kit";
 *
 * export async function usualDurations(client: JobClient) {
 *   const plan = buildPlan({ sources: ["src_crm", "src_erp"], dataProduct: "dp_customers" });
 *   const learned = await learnDurations(client, plan, { before: Date.now() });
 *   return new Map([...learned].map(([step, ds]) => [step, durationStats(ds)]));
 * }
 * ```
 */
export async function learnDurations(
  client: JobClient,
  plan: Plan,
  options: LearnOptions = {},
): Promise<Map<string, number[]>> {
  const pageSize = options.pageSize ?? DEFAULT_LEARN_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_LEARN_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new RangeError(
      `Cannot learn durations: 'maxPages' must be a whole number of at least 1, got ${maxPages}`,
    );
  }
  const enoughSamples = options.enoughSamples ?? DEFAULT_ENOUGH_SAMPLES;
  if (!Number.isInteger(enoughSamples) || enoughSamples < 1) {
    throw new RangeError(
      `Cannot learn durations: 'enoughSamples' must be a whole number of at least 1, got ${enoughSamples}`,
    );
  }
  options.signal?.throwIfAborted();
  const found = new Map<string, { step: string; created: number; ms: number }>();
  if (plan.steps.length === 0) return new Map();
  const enough = enoughCounter(plan, enoughSamples);
  const take = (job: Job) => {
    const got = learned(job, plan, options.before);
    if (!got || found.has(job.jobId)) return enough.all();
    found.set(job.jobId, got);
    return enough.add(got.step);
  };
  const budget = maxPages * pageSize;
  const list = { pageSize, signal: options.signal, onRetry: options.onRetry };
  try {
    await readSome(client.listJobs({ ...list, filter: learnFilter(plan) }), budget, take);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 400)) throw error;
    options.signal?.throwIfAborted();
    const why = error.tamrMessage ? `: ${error.tamrMessage}` : "";
    options.onWarning?.(
      `The tenant refused the jobs list's filter (400${why}); learning durations from its ` +
        `${budget} most recent jobs instead.`,
    );
    await readSome(client.listJobs(list), budget, take);
  }
  const out = new Map<string, number[]>();
  for (const f of [...found.values()].sort((a, b) => a.created - b.created)) {
    out.set(f.step, [...(out.get(f.step) ?? []), f.ms]);
  }
  return out;
}

/**
 * Takes at most `budget` jobs of the list, and none after `take` says it has enough: no page is
 * asked for past either.
 */
async function readSome(
  jobs: AsyncIterable<Job>,
  budget: number,
  take: (job: Job) => boolean,
): Promise<void> {
  let seen = 0;
  for await (const job of jobs) {
    if (take(job) || ++seen >= budget) return;
  }
}

/** Counts durations per step; `add` and `all` say whether every step of the plan has `enough`. */
function enoughCounter(plan: Plan, enough: number) {
  const counts = new Map<string, number>();
  let short = plan.steps.length;
  return {
    add(step: string): boolean {
      const n = (counts.get(step) ?? 0) + 1;
      counts.set(step, n);
      if (n === enough) short--;
      return short <= 0;
    },
    all: () => short <= 0,
  };
}

/**
 * The filter of the plan's earlier successful jobs: any of its configurations, DONE, no error. A
 * plan too large for one filter is narrowed by the kinds of its configurations only.
 */
export function learnFilter(plan: Plan): string {
  const done = [stateIs("DONE"), not({ has: "status:error" })];
  const exact = renderFilter(
    allOf(anyOf(...plan.steps.map((s) => configurationFilter(s.configuration))), ...done),
  );
  if (exact.length <= MAX_FILTER_CHARS) return exact;
  const kinds = new Set(plan.steps.flatMap((s) => Object.keys(s.configuration)));
  const has = [...kinds].map((k) => ({ has: `configuration:${k}` }) as JobFilter);
  return renderFilter(allOf(anyOf(...has), ...done));
}

/** The job's step and duration, when it is a successful earlier job of one of the plan's steps. */
function learned(
  job: Job,
  plan: Plan,
  before: number | undefined,
): { step: string; created: number; ms: number } | null {
  if (job?.status?.state !== "DONE" || job.status.error) return null;
  const step = stepOf(job, plan);
  if (!step) return null;
  const { createdAt, doneAt } = jobPhases(job);
  if (createdAt === null || doneAt === null) return null;
  if (before !== undefined && createdAt > before) return null;
  const ms = doneAt - createdAt;
  return ms > 0 ? { step: step.id, created: createdAt, ms } : null;
}

/** The plan's step whose configuration the job has, or undefined. */
function stepOf(job: Job, plan: Plan): PlanStep | undefined {
  const id = stepIdFor(job.configuration);
  const likely = plan.steps.find((s) => s.id === id);
  if (likely && matchesSent(likely.configuration, job.configuration)) return likely;
  return plan.steps.find((s) => matchesSent(s.configuration, job.configuration));
}
