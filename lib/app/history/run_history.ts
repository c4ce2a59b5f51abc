/**
 * A run's place in its plan's history: the earlier runs read when it starts (for the durations
 * the runner expects), the id it is recorded under, and its record written when it finishes.
 */
import type { FinishEvent } from "../../kit/run/finish_event.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import type { Io } from "../io.ts";
import { machineProblem } from "../machine_errors.ts";
import { runIdFor, type RunRecord } from "./record.ts";
import { type RunIdentity, runRecordOf, type SeededStep } from "./run_record_of.ts";
import { appendRun, historyPathOf, readHistory } from "./store.ts";

/** What the history needs of the run's journal. */
export interface JournalForHistory {
  path: string;
  /** When the journal's run began (RFC 3339). */
  startedAt: string;
  /** With `--resume`: the time of the run's earlier parts, without the gaps between them. */
  earlierMs?: number | undefined;
  /** The id chosen for it before (a `--resume`), if any. */
  readonly runId: string | undefined;
  /** With `--resume`: what the journal knew of each step. */
  prior: ReadonlyMap<string, SeededStep & { outcome?: string | undefined }> | undefined;
  /** Keeps the chosen id in the journal. */
  keepRunId(runId: string): void;
}

/** The history of the run's plan, open for one run. */
export interface RunHistory {
  /** The history file, beside the journal. */
  path: string;
  /** The id this run is recorded under. */
  runId: string;
  /** The earlier runs, newest first, as read when the run started. */
  runs: RunRecord[];
  /**
   * Writes the run's record, when it created or attached to at least one job (for a `--resume`,
   * in place of its earlier part's). A write that fails is a warning naming the file: the run's
   * outcome stays as it was.
   */
  record(finish: FinishEvent, state: RunState): Promise<void>;
}

/**
 * Reads the plan's history beside the run's journal (one that cannot be read is a warning, and
 * an empty history) and chooses the run's id: the one a resumed journal holds, else its start
 * (`20261202T081500Z`, with `-2`, `-3`... when a recorded run already has it); kept in the journal.
 */
export async function openRunHistory(o: {
  journal: JournalForHistory;
  resumed: boolean;
  run: Omit<RunIdentity, "runId" | "startedAt">;
  io: Pick<Io, "readTextFile" | "writeTextFile" | "appendTextFile" | "exists">;
  warn: (message: string) => void;
}): Promise<RunHistory> {
  const { journal, io, warn } = o;
  const path = historyPathOf(journal.path);
  const runs = await readHistory(path, io).then((h) => h.runs).catch((e: unknown) => {
    warn(
      `Cannot read the run history ${path}: ${machineProblem(e, path)}. ` +
        `Earlier runs' durations are not used for this one.`,
    );
    return [] as RunRecord[];
  });
  const runId = journal.runId ?? chooseRunId(runs, journal.startedAt, o.resumed);
  journal.keepRunId(runId);
  const id: RunIdentity = { ...o.run, runId, startedAt: journal.startedAt };
  return {
    path,
    runId,
    runs,
    async record(finish, state) {
      if (!(finish.timeline ?? []).some((t) => t.jobId !== null)) return;
      const earlier = o.resumed
        ? {
          record: runs.find((r) => r.runId === runId),
          seeded: seededOf(journal.prior),
          earlierMs: journal.earlierMs,
        }
        : undefined;
      try {
        await appendRun(path, runRecordOf(id, finish, state, earlier), io);
      } catch (e) {
        warn(`Cannot write the run history ${path}: ${machineProblem(e, path)}.`);
      }
    },
  };
}

/** The run's id: its start; a new run whose id a recorded run has gets `-2`, `-3`... */
function chooseRunId(runs: readonly RunRecord[], startedAt: string, resumed: boolean): string {
  const base = runIdFor(Date.parse(startedAt));
  if (resumed) return base;
  const taken = new Set(runs.map((r) => r.runId));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** The steps a `--resume` found succeeded: the runner says so again without running them. */
function seededOf(prior: JournalForHistory["prior"]): Map<string, SeededStep> {
  return new Map([...(prior ?? [])].filter(([, p]) => p.outcome === "succeeded"));
}
