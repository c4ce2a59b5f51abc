/**
 * A finished run as the history keeps it, from its `finish` event and its state; a run continued
 * by `--resume` is merged with what its earlier part recorded, so it stays one record.
 */
import type { FinishEvent } from "../../kit/run/finish_event.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import { type TimelineEntry, timelineOf } from "../../kit/run/timeline.ts";
import type { RunRecord } from "./record.ts";

/** What the record needs beyond the finish event and the state: which run, and where. */
export interface RunIdentity {
  runId: string;
  /** When the run first began (RFC 3339): the journal's start, kept by `--resume`. */
  startedAt: string;
  tenant: string;
  baseUrl: string;
  dataProduct: string;
  concurrency: number;
}

/** A step a `--resume` found succeeded in the journal, with the journal's own times. */
export interface SeededStep {
  jobId?: string | undefined;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
}

/** What a run continued by `--resume` had before. */
export interface EarlierPart {
  /** The record its earlier part wrote (same run id), when there is one. */
  record: RunRecord | undefined;
  /** The steps it had finished, said `succeeded` again at the start without running. */
  seeded: ReadonlyMap<string, SeededStep>;
  /**
   * The time of its parts (ms), without the gaps between them, as its journal kept it: each part
   * from its start to its end (a finish, a detach, or its last event before a crash).
   */
  earlierMs?: number | undefined;
}

/**
 * The record of a run that just finished. With `earlier` (a `--resume`), the steps its earlier
 * part finished keep their entries from that part's record (or the journal's times when it wrote
 * none: a crash, a detach), and `durationMs` adds this part to the earlier ones', leaving out the
 * time between them (the journal's account of the parts, else the earlier record's).
 */
export function runRecordOf(
  id: RunIdentity,
  finish: FinishEvent,
  state: RunState,
  earlier?: EarlierPart,
): RunRecord {
  const fresh = finish.timeline ?? timelineOf(state);
  const partStart = state.startedAt ?? Date.parse(id.startedAt);
  const thisPart = Math.max(0, Date.parse(finish.time) - partStart);
  const before = earlier?.record;
  const durationMs = earlier?.earlierMs !== undefined
    ? earlier.earlierMs + thisPart
    : before !== undefined
    ? before.durationMs + thisPart
    : earlier !== undefined
    ? Math.max(0, Date.parse(finish.time) - Date.parse(id.startedAt))
    : thisPart;
  return {
    version: 1,
    ...id,
    finishedAt: finish.time,
    outcome: finish.outcome,
    durationMs,
    timeline: earlier ? mergedTimeline(fresh, state, earlier) : fresh,
    steps: finish.steps.map((s) => ({ step: s.step, outcome: s.outcome })),
  };
}

/**
 * This part's entries, except for the steps the earlier part finished (its own entries, or the
 * journal's times); the earlier part's entries of steps this part did not begin are kept. Plan
 * order.
 */
function mergedTimeline(
  fresh: readonly TimelineEntry[],
  state: RunState,
  earlier: EarlierPart,
): TimelineEntry[] {
  const old = new Map((earlier.record?.timeline ?? []).map((t) => [t.step, t]));
  const now = new Map(fresh.map((t) => [t.step, t]));
  const out: TimelineEntry[] = [];
  for (const s of state.steps) {
    const seeded = earlier.seeded.get(s.id);
    // The state has a seeded step's times from the journal (with its job's phases, when kept).
    const entry = seeded
      ? old.get(s.id) ?? now.get(s.id) ?? journalEntry(s, seeded)
      : now.get(s.id) ?? old.get(s.id);
    if (entry) out.push(entry);
  }
  return out;
}

/** A finished step known only from the journal: our own times, Tamr's phases unknown. */
function journalEntry(
  s: RunState["steps"][number],
  seeded: SeededStep,
): TimelineEntry | undefined {
  const start = Date.parse(seeded.startedAt ?? "");
  const end = Date.parse(seeded.endedAt ?? "");
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  return {
    step: s.id,
    kind: s.kind,
    target: s.target,
    jobId: seeded.jobId ?? s.jobId,
    outcome: "succeeded",
    createdAt: seeded.startedAt!,
    runningAt: null,
    endedAt: seeded.endedAt!,
    waitMs: Math.max(0, end - start),
    runMs: null,
    reason: null,
  };
}
