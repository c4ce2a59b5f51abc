/**
 * The simulated tenant's jobs, independent of HTTP. A job's state is derived from timestamps when
 * it is read (no timers): PENDING for `pendingMs`, RUNNING for its duration, then DONE. Its clock is
 * `now` shifted by the scenario's `clockOffsetMs`; its list takes the documented `filter`.
 */
import type {
  Job,
  JobConfiguration,
  JobError,
  JobPage,
  StatusHistoryEntry,
} from "../kit/api/types.ts";
import { checkCreateBody, stepIdOf } from "./_config.ts";
import { FilterError, type JobFacts, type JobPredicate, parseFilter } from "./_filter.ts";
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
  /**
   * Our time, ms since the epoch (a virtual clock's in tests); the tenant's is this shifted by the
   * scenario's `clockOffsetMs`. Default `Date.now`.
   */
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
  /** The documented filter; it must be the same on every page of one list. */
  filter?: string | null | undefined;
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

type ListOrder = NonNullable<Scenario["listOrder"]>;

/** A job in the list's order: its sort key is its seq (by creation) or its start time. */
interface Entry {
  r: JobRecord;
  key: number;
}

/** Where a page ends: the last job shown, in which order, for which filter. */
interface Cursor {
  order: ListOrder;
  key: number;
  seq: number;
  filter: string;
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
    const ours = options.now ?? Date.now;
    const offset = this.#scenario.clockOffsetMs ?? 0;
    this.#now = offset === 0 ? ours : () => ours() + offset;
    this.#newJobId = options.newJobId ?? (() => `job_${randomHex(8)}`);
    this.#random = mulberry32(this.#scenario.seed ?? SCENARIO_DEFAULTS.seed);
    this.#timeScale = this.#scenario.timeScale ?? SCENARIO_DEFAULTS.timeScale;
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
      endAt: runAt + this.#real(this.#duration(stepId)),
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
    const pageSize = parsePageSize(query.pageSize);
    const filterText = query.filter ?? "";
    const predicate = this.#parseFilter(filterText);
    const order = this.#scenario.listOrder ?? "created";
    const t = this.#now();
    let cursor: Cursor | undefined;
    if (query.pageToken) {
      cursor = decodePageToken(query.pageToken);
      if (cursor.order !== order) throw invalidToken(query.pageToken);
      if (cursor.filter !== fingerprint(filterText)) {
        throw new TenantError(
          400,
          "The filter must be the same on every page of a list: this pageToken was given for " +
            "another filter.",
        );
      }
    }
    const jobs: Job[] = [];
    let last: Entry | undefined;
    let more = false;
    for (const entry of this.#walk(order, t, cursor)) {
      if (predicate && !predicate(facts(entry.r, t))) continue;
      if (jobs.length === pageSize) {
        more = true;
        break;
      }
      jobs.push(this.#view(entry.r, t));
      last = entry;
    }
    const nextPageToken = more && last
      ? encodePageToken({ order, key: last.key, seq: last.r.seq, filter: fingerprint(filterText) })
      : "";
    return { jobs, nextPageToken };
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

  /** The filter's predicate, or undefined for none; TenantError 400 when it cannot be read. */
  #parseFilter(text: string): JobPredicate | undefined {
    if (text.trim() === "") return undefined;
    if (this.#scenario.refuseFilters) {
      throw new TenantError(400, "Invalid argument: filter is not supported on this tenant.");
    }
    try {
      return parseFilter(text);
    } catch (error) {
      if (error instanceof FilterError) {
        throw new TenantError(400, `Invalid filter ${JSON.stringify(text)}: ${error.message}.`);
      }
      throw error;
    }
  }

  /** Live jobs, most recent first in `order`, after the cursor's job. */
  *#walk(order: ListOrder, t: number, cursor: Cursor | undefined): Generator<Entry> {
    if (order === "created") {
      const end = cursor ? this.#indexBefore(cursor.seq) : this.#order.length;
      for (let i = end - 1; i >= 0; i--) {
        const r = this.#order[i]!;
        yield { r, key: r.seq };
      }
      return;
    }
    const entries = this.#order.map((r) => ({ r, key: startKey(r, t) }));
    entries.sort((a, b) => b.key - a.key || b.r.seq - a.r.seq);
    for (const e of entries) {
      if (!cursor || e.key < cursor.key || (e.key === cursor.key && e.r.seq < cursor.seq)) yield e;
    }
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

/** When the job began running, or its creation while it never ran: its place by start time. */
function startKey(r: JobRecord, t: number): number {
  return reached(r, t).find((p) => p.state === "RUNNING")?.at ?? r.createdAt;
}

/** What a filter can ask of the job now. */
function facts(r: JobRecord, t: number): JobFacts {
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
function withServerFields(configuration: JobConfiguration): JobConfiguration {
  const out: Record<string, unknown> = { ...configuration, labels: null };
  for (const [kind, fields] of Object.entries(configuration)) {
    out[kind] = { ...fields, priority: "NORMAL", description: "" };
  }
  return out as unknown as JobConfiguration;
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

/**
 * Page tokens are opaque to clients: base64url of where the page ended (the last shown job's place
 * in the order) and a fingerprint of the filter it was listed with.
 */
function encodePageToken(c: Cursor): string {
  return btoa(`jobs-after:${c.order}:${c.key}:${c.seq}:${c.filter}`)
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function invalidToken(token: string): TenantError {
  return new TenantError(400, `pageToken ${JSON.stringify(token)} is not a valid page token.`);
}

function decodePageToken(token: string): Cursor {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) throw invalidToken(token);
  const text = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
  const m = /^jobs-after:(created|started):(\d+(?:\.\d+)?):(\d+):([0-9a-f]{8})$/.exec(text);
  if (!m) throw invalidToken(token);
  return { order: m[1] as ListOrder, key: Number(m[2]), seq: Number(m[3]), filter: m[4]! };
}

/** FNV-1a of the filter text, in hex: page tokens remember which filter they were given for. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
