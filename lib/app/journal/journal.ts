import type { RunEvent, StepOutcome } from "../../kit/run/events.ts";
import { type Plan, planFingerprint } from "../../kit/run/plan.ts";
import { UsageError } from "../../kit/errors.ts";

/** One step as the journal remembers it. */
export interface JournalStep {
  jobId?: string;
  /** Set once the step reached a final state. */
  outcome?: StepOutcome;
  startedAt?: string;
  endedAt?: string;
}

/** The run journal: enough to continue a run after a crash, and never the API key. */
export interface JournalData {
  version: 1;
  fingerprint: string;
  tenant: string;
  baseUrl: string;
  plan: Plan;
  startedAt: string;
  updatedAt: string;
  /** True once the run ended (in any way but a crash). */
  finished: boolean;
  outcome?: string;
  steps: Record<string, JournalStep>;
  /** Durations (ms) of each step's earlier successful runs, newest last, at most 5. */
  history: Record<string, number[]>;
  /** How the run was paced, so `--resume --state FILE` alone runs it the same way. */
  settings?: JournalSettings;
}

/** The pacing of a run, as the journal keeps it. */
export interface JournalSettings {
  concurrency: number;
  pollIntervalMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
}

/** A fresh journal for a plan, carrying the duration history of an earlier one. */
export function newJournal(
  plan: Plan,
  where: { tenant: string; baseUrl: string },
  now: string,
  history: Record<string, number[]> = {},
  settings?: JournalSettings,
): JournalData {
  return {
    ...(settings ? { settings } : {}),
    version: 1,
    fingerprint: planFingerprint(plan),
    tenant: where.tenant,
    baseUrl: where.baseUrl,
    plan,
    startedAt: now,
    updatedAt: now,
    finished: false,
    steps: {},
    history,
  };
}

/** Parses a journal file; a damaged one is a UsageError naming the file and what is wrong. */
export function parseJournal(text: string, path: string): JournalData {
  const hint = "Remove it to start afresh, or pass another --state file.";
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The run journal ${path} is not valid JSON: ${(e as Error).message}`, {
      hint,
    });
  }
  const problem = journalProblem(data);
  if (problem !== null) {
    throw new UsageError(
      `The run journal ${path} is not a tamr-refresh journal (version 1): ${problem}`,
      { hint },
    );
  }
  const d = data as JournalData;
  return { ...d, history: d.history ?? {} };
}

const KINDS = new Set(["load", "update", "index", "publish"]);
const OUTCOMES = new Set([
  "succeeded",
  "failed",
  "stopped",
  "timed_out",
  "skipped",
  "not_started",
  "running",
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What is wrong with a parsed journal, in a few words, or null when it is sound. */
function journalProblem(d: unknown): string | null {
  if (!isRecord(d)) return "it is not a JSON object";
  if (d.version === undefined) return `it has no "version"`;
  if (d.version !== 1) return `"version" is ${JSON.stringify(d.version)}, not 1`;
  for (const field of ["fingerprint", "tenant", "baseUrl", "startedAt"] as const) {
    if (typeof d[field] !== "string") return `"${field}" is not a string`;
  }
  if (!Number.isFinite(Date.parse(d.startedAt as string))) return `"startedAt" is not a time`;
  const plan = d.plan;
  if (!isRecord(plan) || typeof plan.dataProduct !== "string" || !Array.isArray(plan.steps)) {
    return `"plan" is not a plan with a data product and steps`;
  }
  for (const [i, s] of plan.steps.entries()) {
    if (
      !isRecord(s) || typeof s.id !== "string" || typeof s.kind !== "string" ||
      !KINDS.has(s.kind) || typeof s.target !== "string" || s.id !== `${s.kind}:${s.target}` ||
      !Array.isArray(s.dependsOn) || !s.dependsOn.every((x) => typeof x === "string") ||
      !isRecord(s.configuration)
    ) return `"plan.steps[${i}]" is not a step`;
  }
  if (planFingerprint(plan as unknown as Plan) !== d.fingerprint) {
    return `"fingerprint" does not match its plan`;
  }
  if (!isRecord(d.steps)) return `"steps" is not an object`;
  for (const [id, s] of Object.entries(d.steps)) {
    if (!isRecord(s)) return `"steps.${id}" is not an object`;
    for (const field of ["jobId", "startedAt", "endedAt"] as const) {
      if (s[field] !== undefined && (typeof s[field] !== "string" || s[field] === "")) {
        return `"steps.${id}.${field}" is not a non-empty string`;
      }
    }
    if (s.outcome !== undefined && !OUTCOMES.has(s.outcome as string)) {
      return `"steps.${id}.outcome" is ${JSON.stringify(s.outcome)}, not a step outcome`;
    }
  }
  if (d.settings !== undefined) {
    const st = d.settings;
    if (!isRecord(st)) return `"settings" is not an object`;
    for (const field of ["concurrency", "pollIntervalMs", "timeoutMs", "requestTimeoutMs"]) {
      const v = st[field];
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
        return `"settings.${field}" is not a positive number`;
      }
    }
  }
  if (d.history !== undefined) {
    if (!isRecord(d.history)) return `"history" is not an object`;
    for (const [id, ds] of Object.entries(d.history)) {
      if (!Array.isArray(ds) || !ds.every((x) => typeof x === "number" && x >= 0 && isFinite(x))) {
        return `"history.${id}" is not a list of durations`;
      }
    }
  }
  return null;
}

/** The sources, data product, workflow and destinations a journal's plan was built from. */
export function planInputOf(j: JournalData): {
  sources: string[];
  dataProduct: string;
  workflow: string | undefined;
  destinations: string[];
} {
  const of = (kind: string) => j.plan.steps.filter((s) => s.kind === kind).map((s) => s.target);
  return {
    sources: of("load"),
    dataProduct: j.plan.dataProduct,
    workflow: of("index")[0],
    destinations: of("publish"),
  };
}

/**
 * Folds one event into the journal. Returns the same object when nothing that matters changed,
 * so the caller writes only when needed.
 */
export function journalReduce(j: JournalData, e: RunEvent): JournalData {
  const copy = { ...j, steps: { ...j.steps }, history: { ...j.history } };
  return applyToJournal(copy, e) ? copy : j;
}

/**
 * Folds one event into `j` in place and says whether anything that matters changed. The run's
 * journal handle owns its journal and uses this, so a 1,000-step run does not copy every step on
 * every event; `journalReduce()` is the pure form.
 */
export function applyToJournal(j: JournalData, e: RunEvent): boolean {
  if (e.type === "finish") {
    Object.assign(j, { updatedAt: e.time, finished: true, outcome: e.outcome });
    return true;
  }
  if (e.type !== "step") return false;
  const prev = j.steps[e.step] ?? {};
  const next: JournalStep = { ...prev };
  if (e.jobId && e.jobId !== prev.jobId) next.jobId = e.jobId;
  if (e.state === "creating" && !prev.startedAt) next.startedAt = e.time;
  const final = e.state === "succeeded" || e.state === "failed" || e.state === "stopped" ||
    e.state === "timed_out" || e.state === "skipped";
  if (final) {
    next.outcome = e.state as StepOutcome;
    next.endedAt = e.time;
  } else if (e.state === "creating" || e.state === "queued") {
    // A step run again after an earlier failure starts without its old outcome and job.
    delete next.outcome;
    if (prev.outcome) delete next.jobId;
  }
  if (
    next.jobId === prev.jobId && next.outcome === prev.outcome &&
    next.startedAt === prev.startedAt
  ) return false;
  if (e.state === "succeeded" && next.startedAt && !prev.outcome) {
    // Tamr's own duration when the event has it: ours would add the time to notice the end.
    const ms = e.jobDurationMs ?? Date.parse(e.time) - Date.parse(next.startedAt);
    if (Number.isFinite(ms) && ms >= 0) {
      j.history[e.step] = [...(j.history[e.step] ?? []), ms].slice(-5);
    }
  }
  j.steps[e.step] = next;
  j.updatedAt = e.time;
  return true;
}

/** What `--resume` knows of each step. */
export function priorSteps(j: JournalData): Map<string, { jobId?: string; outcome?: string }> {
  return new Map(Object.entries(j.steps));
}

/** The median of each step's earlier durations, for duration-aware polling. */
export function expectedDurations(j: JournalData): Map<string, number> {
  const out = new Map<string, number>();
  for (const [step, ds] of Object.entries(j.history)) {
    if (ds.length === 0) continue;
    const sorted = [...ds].sort((a, b) => a - b);
    out.set(step, sorted[Math.floor(sorted.length / 2)]!);
  }
  return out;
}

/** The default journal file for a tenant and data product. */
export function defaultJournalPath(
  env: Record<string, string | undefined>,
  tenant: string,
  dataProduct: string,
): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  const base = env.XDG_STATE_HOME
    ? `${env.XDG_STATE_HOME}/tamr-refresh`
    : env.HOME
    ? `${env.HOME}/.local/state/tamr-refresh`
    : ".tamr-refresh";
  return `${base}/${safe(tenant)}--${safe(dataProduct)}.json`;
}
