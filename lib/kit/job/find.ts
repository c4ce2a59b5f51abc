/**
 * Finding a job that already does a step's work: an unfinished one to attach to, the one a create
 * whose answer was lost made, the one a killed run made before `--resume`.
 *
 * Each search asks the tenant with the documented list `filter` (the configuration, and a state or
 * a creation time), reads every page, and still checks each job on our side (`matchesSent`): a
 * filter narrows the list, it does not decide. A tenant that answers 400 to a filter is scanned
 * instead (its `scanLimit` most recent jobs), and the run is told once. The list's order is not
 * relied on anywhere: it may be by start time, where a long-PENDING job sits below older ones.
 *
 * Whether a job is the one a lost create or a killed run made is decided by the tenant's clock,
 * estimated from its answers (`TenantClock`), not by comparing its times with ours. Listing the
 * candidates before each create instead would cost a request per create to guard against a rare
 * loss, and could not help `--resume` (the killed run's list is gone with it); the estimate costs
 * no request (every answer carries a `Date` header, every create answer a creation time). Where it
 * can be wrong, it errs towards attaching: taking a job made within a second before ours costs
 * nothing, a second job costs a whole job.
 */
import { ApiError } from "../errors.ts";
import type { Job, JobClient, JobConfiguration, RetryInfo } from "../api/types.ts";
import {
  allOf,
  configurationFilter,
  createdSince,
  type JobFilter,
  renderFilter,
  stateIs,
} from "../api/job_filter.ts";
import { createdAt } from "./job_times.ts";
import { matchesSent } from "./match.ts";
import type { TenantClock } from "./tenant_clock.ts";

export { createdAt } from "./job_times.ts";

/** Per-search request options. */
export interface LookOptions {
  signal?: AbortSignal | undefined;
  /** Called before each retry of a list request. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
}

/** What a run's searches share. */
export interface JobSearchOptions {
  client: JobClient;
  /** The tenant's clock, fed by the run's answers. */
  tenantClock: TenantClock;
  /** Told once, when the tenant first refuses a filter and the searches fall back to scanning. */
  onWarning?: ((message: string) => void) | undefined;
  /** When the tenant refuses filters: how many of its most recent jobs a search looks through. */
  scanLimit?: number;
}

/** Jobs a scan looks through when the tenant refuses filters: ten pages of 30. */
export const DEFAULT_SCAN_LIMIT = 300;

/**
 * How much earlier than the earliest moment our job can have been created, by the tenant's clock, a
 * job still counts as ours. One second: a job made that close before our request is as fresh as
 * ours, and attaching to it costs nothing; making a second one would cost a whole job.
 */
const SLACK_MS = 1_000;

/**
 * How much further back the `create_time()` filter reaches than our own check: the API's creation
 * time is not documented to equal the first `stateStartTime`, and a wider filter only costs a few
 * more jobs to check on our side.
 */
const FILTER_PAD_MS = 5 * 60_000;

/**
 * The same while the tenant's clock is known from one side only (no answer yet, or no `Date`
 * header): the filter is sent before its own answer tells the clock, so it reaches back a day,
 * and our check, made once the answers came, decides. Too short would hide our own job from us.
 */
const UNSURE_FILTER_PAD_MS = 24 * 3_600_000;

/**
 * The searches of one run: they share the tenant's clock and whether the tenant takes filters.
 *
 * @example
 * ```ts
 * import type { JobClient } from "../api/types.ts";
 * import { JobSearch } from "./find.ts";
 * import { TenantClock } from "./tenant_clock.ts";
 *
 * export async function runningLoad(client: JobClient, sourceId: string) {
 *   const search = new JobSearch({ client, tenantClock: new TenantClock(Date.now) });
 *   return await search.unfinished({ load: { sourceId } });
 * }
 * ```
 */
export class JobSearch {
  readonly #client: JobClient;
  readonly #onWarning: ((message: string) => void) | undefined;
  readonly #scanLimit: number;
  /** The tenant's clock, as the run's answers tell it. */
  readonly tenantClock: TenantClock;
  /** Set once the tenant refused a filter: later searches scan at once. */
  #filtersRefused = false;

  constructor(options: JobSearchOptions) {
    this.#client = options.client;
    this.tenantClock = options.tenantClock;
    this.#onWarning = options.onWarning;
    this.#scanLimit = options.scanLimit ?? DEFAULT_SCAN_LIMIT;
  }

  /** Whether the tenant refused a filter (400): it is not sent again. */
  get filtersRefused(): boolean {
    return this.#filtersRefused;
  }

  /** The newest (by creation) unfinished job with the configuration, however old; or null. */
  async unfinished(configuration: JobConfiguration, look: LookOptions = {}): Promise<Job | null> {
    const jobs = await this.#collect(
      allOf(configurationFilter(configuration), stateIs("DONE", "!=")),
      (job) => job.status.state !== "DONE" && matchesSent(configuration, job.configuration),
      look,
    );
    return newest(jobs);
  }

  /** The configurations of the tenant's unfinished jobs, all of them (where attach looks). */
  async unfinishedConfigurations(look: LookOptions = {}): Promise<unknown[]> {
    const jobs = await this.#collect(
      stateIs("DONE", "!="),
      (job) => job.status?.state !== "DONE",
      look,
    );
    return jobs.map((job) => job.configuration);
  }

  /**
   * After a create whose answer was lost (a timeout, a dropped connection, a 5xx): the job it may
   * have made, sent at `sentAt` by our clock; or null.
   *
   * A job counts when it was created no earlier than the tenant's clock can have read at `sentAt`
   * (`TenantClock.earliest`, less a second): with the clocks minutes apart, that is still our job
   * and not an older one. Of those, the first created is taken (the one closest to our request),
   * except one that ended with an error before the request was sent (an earlier attempt's).
   */
  async lostCreate(
    configuration: JobConfiguration,
    sentAt: number,
    look: LookOptions = {},
  ): Promise<Job | null> {
    const jobs = await this.#collect(
      allOf(configurationFilter(configuration), this.#createdAround(sentAt)),
      (job) => matchesSent(configuration, job.configuration),
      look,
    );
    // Decided after the answers: they told the tenant's clock more.
    const sentByTenant = this.tenantClock.earliest(sentAt);
    const from = sentByTenant - SLACK_MS;
    const ours = jobs.filter((job) => {
      const created = createdAt(job);
      if (created === null) return job.status.state !== "DONE"; // no times: only if still running
      if (created < from) return false;
      const ended = Date.parse(job.status.stateStartTime ?? "");
      return !(job.status.state === "DONE" && job.status.error && ended < sentByTenant);
    });
    return oldest(ours);
  }

  /**
   * For a resumed run: the job the run in the journal may have created for `configuration` before
   * it was cut off, when the journal never got its id. `runStartedAt` is when that run began, by our
   * clock. Looks at the newest job with the configuration created since then (by the tenant's
   * clock, as `lostCreate` reads it): one not DONE is returned to be polled again, one DONE without
   * error is returned as the step's finished job, one DONE with an error means the step must run
   * again (null).
   */
  async resumable(
    configuration: JobConfiguration,
    runStartedAt: number,
    look: LookOptions = {},
  ): Promise<Job | null> {
    const jobs = await this.#collect(
      allOf(configurationFilter(configuration), this.#createdAround(runStartedAt)),
      (job) => matchesSent(configuration, job.configuration),
      look,
    );
    const from = this.tenantClock.earliest(runStartedAt) - SLACK_MS;
    const found = newest(jobs.filter((job) => (createdAt(job) ?? -Infinity) >= from));
    if (!found) return null;
    if (found.status.state !== "DONE") return found;
    return found.status.error ? null : found;
  }

  /** The filter for jobs created since about our moment `ours`, reaching back generously. */
  #createdAround(ours: number): JobFilter {
    const sure = this.tenantClock.offset().hi < Infinity;
    const pad = sure ? FILTER_PAD_MS : UNSURE_FILTER_PAD_MS;
    return createdSince(this.tenantClock.earliest(ours) - SLACK_MS - pad);
  }

  /**
   * Every job the filter lets through that `keep` accepts, all pages; once the tenant refused a
   * filter, those among its `scanLimit` most recent jobs instead. Every job is noted on the
   * tenant's clock. No job's age ends a scan early: the order of the list is not relied on.
   */
  async #collect(
    filter: JobFilter,
    keep: (job: Job) => boolean,
    look: LookOptions,
  ): Promise<Job[]> {
    const out = new Map<string, Job>();
    const take = (job: Job) => {
      this.tenantClock.noteSeen(job);
      if (!out.has(job.jobId) && keep(job)) out.set(job.jobId, job);
    };
    const options = { pageSize: 30, signal: look.signal, onRetry: look.onRetry };
    if (!this.#filtersRefused) {
      try {
        for await (
          const job of this.#client.listJobs({ ...options, filter: renderFilter(filter) })
        ) {
          take(job);
        }
        return [...out.values()];
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 400)) throw error;
        this.#refused(error);
      }
    }
    let seen = 0;
    for await (const job of this.#client.listJobs(options)) {
      if (++seen > this.#scanLimit) break;
      take(job);
    }
    return [...out.values()];
  }

  #refused(error: ApiError): void {
    if (this.#filtersRefused) return;
    this.#filtersRefused = true;
    const why = error.tamrMessage ? `: ${error.tamrMessage}` : "";
    this.#onWarning?.(
      `The tenant refused the jobs list's filter (400${why}); looking through its ` +
        `${this.#scanLimit} most recent jobs instead, so an older job of the same configuration ` +
        `would not be found.`,
    );
  }
}

/** The job created last, by the tenant's clock (a job without times counts as oldest). */
function newest(jobs: readonly Job[]): Job | null {
  let best: Job | null = null;
  for (const job of jobs) {
    if (!best || (createdAt(job) ?? -Infinity) > (createdAt(best) ?? -Infinity)) best = job;
  }
  return best;
}

/** The job created first, by the tenant's clock (a job without times counts as newest). */
function oldest(jobs: readonly Job[]): Job | null {
  let best: Job | null = null;
  for (const job of jobs) {
    if (!best || (createdAt(job) ?? Infinity) < (createdAt(best) ?? Infinity)) best = job;
  }
  return best;
}
