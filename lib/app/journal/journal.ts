import type { RunEvent, RunOutcome, StepOutcome } from "../../kit/run/events.ts";
import { type Plan, planFingerprint, type PlanInput } from "../../kit/run/plan.ts";
import type { Pacing } from "../pacing.ts";

export { parseJournal } from "./schema.ts";

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
  outcome?: RunOutcome;
  steps: Record<string, JournalStep>;
  /** Durations (ms) of each step's earlier successful runs, newest last, at most 5. */
  history: Record<string, number[]>;
  /** How the run was paced, so `--resume --state FILE` alone runs it the same way. */
  settings?: Pacing;
}

/** A fresh journal for a plan, carrying the duration history of an earlier one. */
export function newJournal(
  plan: Plan,
  where: { tenant: string; baseUrl: string },
  now: string,
  history: Record<string, number[]> = {},
  settings?: Pacing,
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

/** The sources, data product, workflow and destinations a journal's plan was built from. */
export function planInputOf(j: JournalData): PlanInput & {
  sources: string[];
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

/**
 * How soon a change must reach the disk: `"at-once"` when a step got a new job id (a crash before
 * it is written would create that job again on `--resume`), `"paced"` for anything else.
 */
export type WriteUrgency = "at-once" | "paced";

/**
 * Folds one event into `j` in place, as `applyToJournal()`, and says how soon the change must be
 * written, or null when nothing that matters changed.
 */
export function foldEvent(j: JournalData, e: RunEvent): WriteUrgency | null {
  const jobBefore = e.type === "step" ? j.steps[e.step]?.jobId : undefined;
  if (!applyToJournal(j, e)) return null;
  const jobAfter = e.type === "step" ? j.steps[e.step]?.jobId : undefined;
  return jobAfter !== undefined && jobAfter !== jobBefore ? "at-once" : "paced";
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
