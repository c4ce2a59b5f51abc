import { type DurationStats, durationStats } from "../../kit/history/duration_stats.ts";
import type { RunEvent, RunOutcome, StepOutcome } from "../../kit/run/events.ts";
import { type Plan, planFingerprint, type PlanInput } from "../../kit/run/plan.ts";
import type { Pacing } from "../pacing.ts";

export { parseJournal } from "./schema.ts";
export {
  archivePathFor,
  defaultJournalPath,
  journalFileName,
  legacyJournalPath,
  stateDir,
} from "./journal_paths.ts";

/** One step as the journal remembers it. */
export interface JournalStep {
  jobId?: string;
  /** Set once the step reached a final state. */
  outcome?: StepOutcome;
  startedAt?: string;
  endedAt?: string;
  /** Its job's phases from Tamr's statusHistory (RFC 3339), once the step ended and Tamr said. */
  jobTimes?: { createdAt?: string; runningAt?: string; doneAt?: string };
  /** This run asked Tamr to stop the job: a resume that finds it stopped runs the step again. */
  stopRequested?: boolean;
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
  /**
   * Durations (ms) of each step's earlier successful runs, newest last: at most 5 of this plan's
   * own runs, or up to LEARNED_LIMIT learned from the tenant's earlier jobs before its first run.
   * The plan's run history (`j.json` → `j.history.jsonl`) holds more; this is what a journal of an
   * older version knew, and what was learned from the tenant.
   */
  history: Record<string, number[]>;
  /**
   * The run's id in the run history (`20261202T081500Z`), set once the run chose it; a `--resume`
   * keeps it, so the run stays one record.
   */
  runId?: string;
  /** How the run was paced, so `--resume --state FILE` alone runs it the same way. */
  settings?: Pacing;
  /** When this part of the run began (its `start` event), RFC 3339; a `--resume` begins another. */
  partStartedAt?: string;
  /**
   * The time of the run's earlier parts (ms), without the gaps between them (an interrupt, a
   * detach, a crash, until `--resume`): each part from its start to its journal's last update.
   */
  earlierMs?: number;
  /**
   * The side log's lines (new job ids, `<journal>.ids`) this file already holds: those numbered up
   * to this one. Absent before the first.
   */
  idsThrough?: number;
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
  if (e.type === "start") {
    Object.assign(j, { updatedAt: e.time, partStartedAt: e.time });
    return true;
  }
  if (e.type !== "step") return false;
  const prev = j.steps[e.step] ?? {};
  const next: JournalStep = { ...prev };
  if (e.jobId && e.jobId !== prev.jobId) next.jobId = e.jobId;
  const final = e.state === "succeeded" || e.state === "failed" || e.state === "stopped" ||
    e.state === "timed_out" || e.state === "skipped";
  if (final) {
    next.outcome = e.state as StepOutcome;
    next.endedAt = e.endedAt ?? e.time;
    if (e.jobTimes) next.jobTimes = e.jobTimes;
  } else if (
    (e.state === "creating" || e.state === "queued") && (prev.outcome || prev.stopRequested)
  ) {
    // A step run again after an earlier failure starts afresh: no old outcome, job or times.
    for (
      const k of ["outcome", "jobId", "startedAt", "endedAt", "jobTimes", "stopRequested"] as const
    ) {
      delete next[k];
    }
  } else if (e.state === "stopping" && e.jobState === undefined && next.jobId !== undefined) {
    // This run asked Tamr to stop the job (a STOPPING seen on Tamr carries Tamr's state): a resume
    // that finds it stopped runs the step again instead of calling it stopped by someone else.
    next.stopRequested = true;
  }
  if (e.state === "creating" && !next.startedAt) next.startedAt = e.time;
  if (
    next.jobId === prev.jobId && next.outcome === prev.outcome &&
    next.startedAt === prev.startedAt && next.stopRequested === prev.stopRequested
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
 * A step's new job id, which must reach the disk at once: a crash before it is written would
 * create that job again on `--resume`.
 */
export interface NewJobId {
  step: string;
  jobId: string;
  /** The event's time. */
  time: string;
}

/**
 * What one event changed in the journal: nothing that matters (null), something written within
 * the pace of the whole journal's rewrites (`"paced"`), or a new job id, written at once (and
 * with the next whole rewrite).
 */
export type JournalChange = NewJobId | "paced" | null;

/**
 * Folds one event into `j` in place, as `applyToJournal()`, and says what changed: a step's new
 * job id, another change, or null when nothing that matters changed.
 */
export function foldEvent(j: JournalData, e: RunEvent): JournalChange {
  const jobBefore = e.type === "step" ? j.steps[e.step]?.jobId : undefined;
  if (!applyToJournal(j, e)) return null;
  if (e.type !== "step") return "paced";
  const jobId = j.steps[e.step]?.jobId;
  return jobId !== undefined && jobId !== jobBefore
    ? { step: e.step, jobId, time: e.time }
    : "paced";
}

/** What `--resume` knows of each step. */
export function priorSteps(j: JournalData): Map<string, JournalStep> {
  return new Map(Object.entries(j.steps));
}

/** How many durations learned from the tenant the journal keeps for a step. */
export const LEARNED_LIMIT = 20;

/**
 * Keeps durations learned from the tenant's earlier jobs (oldest first) for the steps the journal
 * has none of, the newest LEARNED_LIMIT of each; says whether it kept any.
 */
export function keepLearned(
  j: JournalData,
  learned: ReadonlyMap<string, readonly number[]>,
): boolean {
  let kept = false;
  for (const [step, ds] of learned) {
    const usable = ds.filter((d) => Number.isFinite(d) && d >= 0);
    if ((j.history[step]?.length ?? 0) > 0 || usable.length === 0) continue;
    j.history[step] = usable.slice(-LEARNED_LIMIT);
    kept = true;
  }
  return kept;
}

/** Each step's earlier durations summed up (median and spread), for pacing and ordering. */
export function expectedDurations(j: JournalData): Map<string, DurationStats> {
  const out = new Map<string, DurationStats>();
  for (const [step, ds] of Object.entries(j.history)) {
    const stats = durationStats(ds);
    if (stats) out.set(step, stats);
  }
  return out;
}
