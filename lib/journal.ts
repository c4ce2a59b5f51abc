import type { RunEvent, StepOutcome } from "./events.ts";
import { type Plan, planFingerprint } from "./plan.ts";
import { UsageError } from "./errors.ts";

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
}

/** A fresh journal for a plan, carrying the duration history of an earlier one. */
export function newJournal(
  plan: Plan,
  where: { tenant: string; baseUrl: string },
  now: string,
  history: Record<string, number[]> = {},
): JournalData {
  return {
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

/** Parses a journal file; a damaged one is a UsageError naming the file. */
export function parseJournal(text: string, path: string): JournalData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The run journal ${path} is not valid JSON: ${(e as Error).message}`, {
      hint: "Remove it to start afresh, or pass another --state file.",
    });
  }
  const d = data as Partial<JournalData> | null;
  if (
    !d || d.version !== 1 || typeof d.fingerprint !== "string" || !d.plan ||
    !Array.isArray(d.plan.steps) || typeof d.steps !== "object" || d.steps === null
  ) {
    throw new UsageError(`The run journal ${path} is not a tamr-refresh journal (version 1)`, {
      hint: "Remove it to start afresh, or pass another --state file.",
    });
  }
  return { ...d, history: d.history ?? {} } as JournalData;
}

/**
 * Folds one event into the journal. Returns the same object when nothing that matters changed,
 * so the caller writes only when needed.
 */
export function journalReduce(j: JournalData, e: RunEvent): JournalData {
  if (e.type === "step") {
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
    ) return j;
    const history = { ...j.history };
    if (e.state === "succeeded" && next.startedAt && !prev.outcome) {
      const ms = Date.parse(e.time) - Date.parse(next.startedAt);
      if (Number.isFinite(ms) && ms >= 0) {
        history[e.step] = [...(history[e.step] ?? []), ms].slice(-5);
      }
    }
    return { ...j, updatedAt: e.time, steps: { ...j.steps, [e.step]: next }, history };
  }
  if (e.type === "finish") {
    return { ...j, updatedAt: e.time, finished: true, outcome: e.outcome };
  }
  return j;
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
