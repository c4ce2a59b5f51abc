/**
 * The simulated tenant's jobs, independent of HTTP. A job's state is derived from timestamps when
 * it is read (no timers): PENDING for `pendingMs`, RUNNING for its duration, then DONE.
 */
import type {
  Job,
  JobConfiguration,
  JobError,
  JobPage,
  StatusHistoryEntry,
} from "../kit/api/types.ts";
import { checkCreateBody, stepIdOf } from "./_config.ts";
import { mulberry32, randomHex } from "./_prng.ts";
import { SCENARIO_DEFAULTS } from "./scenario.ts";
import type { Scenario, ScenarioFailure } from "./scenario.ts";

/** A refusal the HTTP layer answers as `{"statusCode": status, "message": message}`. */
export class TenantError extends Error {
  override name = "TenantError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface TenantModelOptions {
  scenario?: Scenario | undefined;
  /** The tenant's time, ms since the epoch (a virtual clock's in tests). Default `Date.now`. */
  now?: () => number;
  /** Makes job ids. Default `job_` + 16 random hex digits (not seeded, so ids differ per run). */
  newJobId?: () => string;
}

export const STOPPED_BY_USER: JobError = {
  reason: "STOPPED_BY_USER",
  message: "The job was stopped by a user.",
};

/** What the list endpoint takes. Query-string values are strings; absent means default. */
export interface ListQuery {
  pageSize?: string | number | null | undefined;
  pageToken?: string | null | undefined;
}

interface JobRecord {
  jobId: string;
  configuration: JobConfiguration;
  stepId: string;
  seq: number;
  createdAt: number;
  runAt: number;
  endAt: number;
  stoppingMs: number;
  /** The error the job ends with when it runs to the end. */
  failure: JobError | null;
  /** When a stop was asked while the job was PENDING or RUNNING. */
  stopAt?: number;
}

interface Phase {
  state: string;
  at: number;
  error?: JobError | null;
}

const MAX_PAGE_SIZE = 30;
const DEFAULT_PAGE_SIZE = 10;

/** The in-memory tenant: create, get, list and stop jobs, with time passed in. */
export class TenantModel {
  readonly #now: () => number;
  readonly #newJobId: () => string;
  readonly #random: () => number;
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
    this.#now = options.now ?? Date.now;
    this.#newJobId = options.newJobId ?? (() => `job_${randomHex(8)}`);
    this.#random = mulberry32(this.#scenario.seed ?? SCENARIO_DEFAULTS.seed);
    this.#timeScale = this.#scenario.timeScale ?? SCENARIO_DEFAULTS.timeScale;
  }

  /** The scenario the tenant runs. */
  get scenario(): Scenario {
    return this.#scenario;
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
      endAt: runAt + this.#real(this.#duration(stepId)),
      stoppingMs: this.#real(this.#scenario.stoppingMs ?? SCENARIO_DEFAULTS.stoppingMs),
      failure: failureFor(this.#scenario.failures?.[stepId], createsBefore),
    };
    this.#order.push(record);
    this.#byId.set(record.jobId, record);
    this.#created.push(record);
    this.#createdById.set(record.jobId, record);
    this.#active.add(record);
    return view(record, t);
  }

  /** The job as it is now. Throws TenantError 404 for an unknown (or forgotten) id. */
  get(jobId: string): Job {
    return view(this.#find(jobId), this.#now());
  }

  /** One page of jobs, newest first. Throws TenantError 400 for a bad pageSize or pageToken. */
  list(query: ListQuery = {}): JobPage {
    const pageSize = parsePageSize(query.pageSize);
    let end = this.#order.length;
    if (query.pageToken) end = this.#indexBefore(decodePageToken(query.pageToken));
    const t = this.#now();
    const jobs: Job[] = [];
    for (let i = end - 1; i >= 0 && jobs.length < pageSize; i--) {
      jobs.push(view(this.#order[i]!, t));
    }
    const lastShown = this.#order[end - jobs.length];
    const more = end - jobs.length > 0 && lastShown !== undefined;
    return { jobs, nextPageToken: more ? encodePageToken(lastShown.seq) : "" };
  }

  /**
   * Asks a job to stop: PENDING goes to DONE at once, RUNNING to STOPPING then DONE, both with
   * STOPPED_BY_USER; a STOPPING or DONE job is left alone. Answers `{}`; 404 for an unknown id.
   */
  stop(jobId: string): Record<string, never> {
    this.#requestStop(this.#find(jobId), this.#now());
    return {};
  }

  /** Someone else (a user in the UI) stops the job. Returns the job as it is afterwards. */
  externalStop(jobId: string): Job {
    const record = this.#find(jobId);
    const t = this.#now();
    this.#requestStop(record, t);
    return view(record, t);
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
    return this.#created.map((r) => view(r, t));
  }

  /** How many live jobs are not DONE now. */
  activeCount(): number {
    const t = this.#now();
    for (const record of this.#active) {
      if (currentPhase(record, t).state === "DONE") this.#active.delete(record);
    }
    return this.#active.size;
  }

  #find(jobId: string): JobRecord {
    const record = this.#byId.get(jobId);
    if (!record) throw new TenantError(404, `Job ${JSON.stringify(jobId)} was not found.`);
    return record;
  }

  #requestStop(record: JobRecord, t: number): void {
    const state = currentPhase(record, t).state;
    if (state === "PENDING" || state === "RUNNING") record.stopAt = t;
  }

  #duration(stepId: string): number {
    const durations = this.#scenario.durations ?? {};
    const base = durations[stepId] ?? durations["default"] ?? SCENARIO_DEFAULTS.durationMs;
    const jitter = this.#scenario.jitter ?? SCENARIO_DEFAULTS.jitter;
    if (jitter === 0) return base;
    return Math.max(0, base * (1 + jitter * (2 * this.#random() - 1)));
  }

  #real(simulatedMs: number): number {
    return simulatedMs / this.#timeScale;
  }

  #uniqueId(): string {
    for (;;) {
      const id = this.#newJobId();
      if (!this.#createdById.has(id)) return id;
    }
  }

  /** The index in #order of the first live job with seq >= `seq` (binary search). */
  #indexBefore(seq: number): number {
    let lo = 0;
    let hi = this.#order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#order[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function failureFor(failure: ScenarioFailure | undefined, createsBefore: number): JobError | null {
  if (!failure) return null;
  const times = failure.times ?? "always";
  if (times !== "always" && createsBefore >= times) return null;
  return { reason: failure.reason, message: failure.message };
}

/** Every phase the job goes through, known in advance from its timestamps and stop. */
function phases(r: JobRecord): Phase[] {
  const out: Phase[] = [{ state: "PENDING", at: r.createdAt }];
  if (r.stopAt !== undefined && r.stopAt < r.runAt) {
    out.push({ state: "DONE", at: r.stopAt, error: STOPPED_BY_USER });
    return out;
  }
  out.push({ state: "RUNNING", at: r.runAt });
  if (r.stopAt !== undefined && r.stopAt < r.endAt) {
    out.push({ state: "STOPPING", at: r.stopAt });
    const stoppedAt = r.stopAt + r.stoppingMs;
    // Stopping is asynchronous: a job about to end anyway ends the way it would have.
    if (r.endAt < stoppedAt) out.push({ state: "DONE", at: r.endAt, error: r.failure });
    else out.push({ state: "DONE", at: stoppedAt, error: STOPPED_BY_USER });
    return out;
  }
  out.push({ state: "DONE", at: r.endAt, error: r.failure });
  return out;
}

function reached(r: JobRecord, t: number): Phase[] {
  const all = phases(r);
  const seen = all.filter((p) => p.at <= t);
  return seen.length ? seen : all.slice(0, 1);
}

function currentPhase(r: JobRecord, t: number): Phase {
  const seen = reached(r, t);
  return seen[seen.length - 1]!;
}

function view(r: JobRecord, t: number): Job {
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

function rfc3339(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

function parsePageSize(value: ListQuery["pageSize"]): number {
  if (value === undefined || value === null || value === "") return DEFAULT_PAGE_SIZE;
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (n === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new TenantError(
      400,
      `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

/** Page tokens are opaque to clients: base64url of the last shown job's sequence number. */
function encodePageToken(seq: number): string {
  return btoa(`jobs-before:${seq}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodePageToken(token: string): number {
  const invalid = () =>
    new TenantError(400, `pageToken ${JSON.stringify(token)} is not a valid page token.`);
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) throw invalid();
  const text = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
  const m = /^jobs-before:(\d+)$/.exec(text);
  if (!m) throw invalid();
  return Number(m[1]);
}
