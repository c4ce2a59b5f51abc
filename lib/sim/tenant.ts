/**
 * The simulated tenant's jobs, independent of HTTP. A job's state is derived from timestamps when
 * it is read (no timers; see `_job_record.ts`). Its clock is `now` shifted by the scenario's
 * `clockOffsetMs`; its list takes the documented `filter` (`_list.ts`).
 */
import type { Job, JobPage } from "../kit/api/types.ts";
import { checkCreateBody, stepIdOf } from "./_config.ts";
import { currentPhase, failureFor, type JobRecord, requestStop } from "./_job_record.ts";
import { view, withServerFields } from "./_job_view.ts";
import { listPage, type ListQuery } from "./_list.ts";
import { pastRunJobs } from "./_past_runs.ts";
import { mulberry32, randomHex } from "./_prng.ts";
import { SCENARIO_DEFAULTS } from "./scenario_defaults.ts";
import type { Scenario } from "./scenario.ts";
import { TenantError } from "./tenant_error.ts";

export { STOPPED_BY_USER } from "./_job_record.ts";
export type { ListQuery } from "./_list.ts";
export { TenantError } from "./tenant_error.ts";

export interface TenantModelOptions {
  scenario?: Scenario | undefined;
  /**
   * Our time, ms since the epoch (a virtual clock's in tests); the tenant's is this shifted by the
   * scenario's `clockOffsetMs`. Default `Date.now`.
   */
  now?: () => number;
  /** Makes job ids. Default `job_` + 16 random hex digits (not seeded, so ids differ per run). */
  newJobId?: () => string;
}

/** The in-memory tenant: create, get, list and stop jobs, with time passed in. */
export class TenantModel {
  readonly #now: () => number;
  readonly #newJobId: () => string;
  readonly #scenario: Scenario;
  readonly #timeScale: number;
  /** Live jobs, oldest first. */
  readonly #order: JobRecord[] = [];
  readonly #byId = new Map<string, JobRecord>();
  /** Every job ever created (also forgotten ones), oldest first. */
  readonly #created: JobRecord[] = [];
  readonly #createdById = new Map<string, JobRecord>();
  /** Jobs that were not DONE when last looked at. */
  readonly #active = new Set<JobRecord>();
  readonly #createsByStep = new Map<string, number>();
  #seq = 0;

  constructor(options: TenantModelOptions = {}) {
    this.#scenario = options.scenario ?? {};
    const ours = options.now ?? Date.now;
    const offset = this.#scenario.clockOffsetMs ?? 0;
    this.#now = offset === 0 ? ours : () => ours() + offset;
    this.#newJobId = options.newJobId ?? (() => `job_${randomHex(8)}`);
    this.#timeScale = this.#scenario.timeScale ?? SCENARIO_DEFAULTS.timeScale;
    this.#leavePastRuns();
  }

  /** The scenario's `pastRuns`: earlier runs' DONE jobs, listed and readable, never "created". */
  #leavePastRuns(): void {
    const s = this.#scenario;
    const durations = Object.fromEntries(
      Object.entries(s.durations ?? {}).map(([id, ms]) => [id, this.#real(ms)]),
    );
    const jobs = pastRunJobs({
      runs: s.pastRuns ?? 0,
      durations,
      pendingMs: this.#real(s.pendingMs ?? SCENARIO_DEFAULTS.pendingMs),
      jitter: s.jitter ?? SCENARIO_DEFAULTS.jitter,
      seed: s.seed ?? SCENARIO_DEFAULTS.seed,
      now: this.#now(),
      newJobId: () => this.#uniqueId(),
    });
    for (const record of jobs) {
      this.#order.push(record);
      this.#byId.set(record.jobId, record);
    }
    this.#seq = jobs.length;
  }

  /** The scenario the tenant runs. */
  get scenario(): Scenario {
    return this.#scenario;
  }

  /** The tenant's time now, ms since the epoch (what its `Date` header says). */
  now(): number {
    return this.#now();
  }

  /**
   * Creates a job from a request body `{"configuration": {...}}`.
   * Throws TenantError 400 for a bad body, 429 when `jobLimit` jobs are not DONE.
   */
  create(body: unknown): Job {
    const checked = checkCreateBody(body);
    if ("problem" in checked) throw new TenantError(400, checked.problem);
    const t = this.#now();
    const limit = this.#scenario.jobLimit ?? SCENARIO_DEFAULTS.jobLimit;
    if (this.activeCount() >= limit) {
      throw new TenantError(
        429,
        `Too many jobs: the tenant runs at most ${limit} jobs at once. ` +
          "Try again when one of them is done.",
      );
    }
    const stepId = stepIdOf(checked.configuration);
    const createsBefore = this.#createsByStep.get(stepId) ?? 0;
    this.#createsByStep.set(stepId, createsBefore + 1);
    const runAt = t + this.#real(this.#scenario.pendingMs ?? SCENARIO_DEFAULTS.pendingMs);
    const record: JobRecord = {
      jobId: this.#uniqueId(),
      configuration: checked.configuration,
      stepId,
      seq: ++this.#seq,
      createdAt: t,
      runAt,
      endAt: runAt + this.#real(this.#duration(stepId, createsBefore)),
      stoppingMs: this.#real(this.#scenario.stoppingMs ?? SCENARIO_DEFAULTS.stoppingMs),
      failure: failureFor(this.#scenario.failures?.[stepId], createsBefore),
    };
    this.#order.push(record);
    this.#byId.set(record.jobId, record);
    this.#created.push(record);
    this.#createdById.set(record.jobId, record);
    this.#active.add(record);
    return this.#view(record, t);
  }

  /** The job as it is now. Throws TenantError 404 for an unknown (or forgotten) id. */
  get(jobId: string): Job {
    return this.#view(this.#find(jobId), this.#now());
  }

  /**
   * One page of the jobs the filter lets through, most recent first (by creation, or by start
   * time with `listOrder: "started"`). Throws TenantError 400 for a bad pageSize, pageToken or
   * filter, a page token given with another filter, and any filter when `refuseFilters` is set.
   */
  list(query: ListQuery = {}): JobPage {
    return listPage(this.#order, query, {
      order: this.#scenario.listOrder ?? "created",
      refuseFilters: this.#scenario.refuseFilters ?? false,
      now: () => this.#now(),
      view: (r, t) => this.#view(r, t),
    });
  }

  /**
   * Asks a job to stop: PENDING goes to DONE at once, RUNNING to STOPPING then DONE, both with
   * STOPPED_BY_USER; a STOPPING or DONE job is left alone. Answers `{}`; 404 for an unknown id.
   */
  stop(jobId: string): Record<string, never> {
    requestStop(this.#find(jobId), this.#now());
    return {};
  }

  /** Someone else (a user in the UI) stops the job. Returns the job as it is afterwards. */
  externalStop(jobId: string): Job {
    const record = this.#find(jobId);
    const t = this.#now();
    requestStop(record, t);
    return this.#view(record, t);
  }

  /** Forgets a job: later gets and stops answer 404. Returns false when it was not known. */
  forget(jobId: string): boolean {
    const record = this.#byId.get(jobId);
    if (!record) return false;
    this.#byId.delete(jobId);
    this.#active.delete(record);
    this.#order.splice(this.#order.indexOf(record), 1);
    return true;
  }

  /** The step id of a job ever created here (also a forgotten one), or undefined. */
  stepOf(jobId: string): string | undefined {
    return this.#createdById.get(jobId)?.stepId;
  }

  /** Every job ever created, oldest first, as each is now (forgotten ones included). */
  creates(): Job[] {
    const t = this.#now();
    return this.#created.map((r) => this.#view(r, t));
  }

  /** How many live jobs are not DONE now. */
  activeCount(): number {
    const t = this.#now();
    for (const record of this.#active) {
      if (currentPhase(record, t).state === "DONE") this.#active.delete(record);
    }
    return this.#active.size;
  }

  /** The job as the API shows it, with the scenario's `statusHistoryOrder` and echoed fields. */
  #view(r: JobRecord, t: number): Job {
    const job = view(r, t);
    if (this.#scenario.statusHistoryOrder === "newestFirst") job.statusHistory?.reverse();
    if (this.#scenario.echoServerFields) job.configuration = withServerFields(job.configuration);
    return job;
  }

  #find(jobId: string): JobRecord {
    const record = this.#byId.get(jobId);
    if (!record) throw new TenantError(404, `Job ${JSON.stringify(jobId)} was not found.`);
    return record;
  }

  /**
   * How long the `nth` job of a step runs (from 0): its scenario duration, varied by the jitter
   * drawn for that step and that job from the seed alone, so that two strategies creating the same
   * jobs in another order meet the same durations.
   */
  #duration(stepId: string, nth: number): number {
    const durations = this.#scenario.durations ?? {};
    const base = durations[stepId] ?? durations["default"] ?? SCENARIO_DEFAULTS.durationMs;
    const jitter = this.#scenario.jitter ?? SCENARIO_DEFAULTS.jitter;
    if (jitter === 0) return base;
    const seed = this.#scenario.seed ?? SCENARIO_DEFAULTS.seed;
    const draw = mulberry32(seed ^ hashOf(stepId) ^ Math.imul(nth + 1, 0x9e3779b9))();
    return Math.max(0, base * (1 + jitter * (2 * draw - 1)));
  }

  #real(simulatedMs: number): number {
    return simulatedMs / this.#timeScale;
  }

  #uniqueId(): string {
    for (;;) {
      const id = this.#newJobId();
      if (!this.#createdById.has(id) && !this.#byId.has(id)) return id;
    }
  }
}

/** FNV-1a of a string: a step id as a seed. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
