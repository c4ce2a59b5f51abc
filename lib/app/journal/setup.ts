/**
 * Opening a run's journal: continue the one on disk (`--resume`) or start a new one, then keep it
 * up to date with the run's events through a journal store.
 */
import { UsageError } from "../../kit/errors.ts";
import type { RunEvent } from "../../kit/run/events.ts";
import type { Plan } from "../../kit/run/plan.ts";
import type { Pacing } from "../pacing.ts";
import type { FileLock, Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import { foldEvent, type JournalStep, keepLearned } from "./journal.ts";
import { journalPath, readJournal } from "./file.ts";
import { type JournalStore, openJournalStore } from "./store.ts";
import { type ChosenJournal, resumeJournal, startJournal } from "./_resume_or_start.ts";
import { shellQuote } from "../shell.ts";

/** What the journal listens to: the run's events (an EventBus, or a run store). */
export interface RunEventSource {
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/** The journal of one run, open and held by this run alone until `finish()` or disposal. */
export interface RunJournal extends AsyncDisposable {
  path: string;
  /** With `--resume`: what the journal knew of each step. */
  prior: Map<string, JournalStep> | undefined;
  /** With `--resume`: when the journal's run began (ms since the epoch), for `RunOptions`. */
  resumedSince: number | undefined;
  /** When the journal's run began (RFC 3339): now, or the start of the run `--resume` continues. */
  startedAt: string;
  /**
   * With `--resume`: the time of the run's earlier parts, without the gaps between them (ms);
   * undefined for a new run, or a journal of an older version.
   */
  earlierMs: number | undefined;
  /** The run's id in the run history, once chosen (a `--resume` finds the one chosen before). */
  readonly runId: string | undefined;
  /**
   * Each step's durations the journal knows (ms, newest last): an older version's, and those
   * learned from the tenant (see `JournalData.history`).
   */
  readonly durations: Readonly<Record<string, readonly number[]>>;
  /** Keeps the run's id in the journal, so a `--resume` continues the same record. */
  keepRunId(runId: string): void;
  /** Keeps durations learned from the tenant for the steps the journal has none of. */
  keepLearned(learned: ReadonlyMap<string, readonly number[]>): void;
  /** The command that continues this run. */
  resumeCommand: string;
  /** Keeps the journal up to date with the run's events; returns a function that stops it. */
  attach(events: RunEventSource): () => void;
  /** This process stops following the run, which goes on (a detach): its part ends now. */
  detach(): void;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  /**
   * Stops listening, writes what is pending and lets go of the journal (its lock); resolves once
   * it is on disk. Again is harmless.
   */
  finish(): Promise<void>;
  /** As `finish()`: `await using` lets go of the journal on every way out of a run. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What opening a run's journal needs. */
export interface OpenRunJournalOptions {
  run: { tenant: string; baseUrl: string; dataProduct: string } & Pacing;
  plan: Plan;
  flags: {
    state?: string | undefined;
    resume?: boolean | undefined;
    /** Start a new run even over an unfinished journal, which is kept beside it. */
    fresh?: boolean | undefined;
  };
  io: Pick<
    Io,
    | "env"
    | "exists"
    | "readTextFile"
    | "writeTextFile"
    | "appendTextFile"
    | "removeFile"
    | "clock"
    | "lockJournal"
  >;
  /**
   * Told what the user should know, in a sentence without a prefix: an earlier run of this plan
   * did not finish, or the journal cannot be written.
   */
  warn: (message: string) => void;
  /** How to run this program's `run` again, for the printed resume command. */
  commandForResume?: string;
}

/**
 * Opens the run journal, held by this run alone (another run holding it is a JournalLockedError,
 * exit 5), and reads it once held. With `--resume` it continues the one on disk (refusing one
 * written for another plan, and leaving it as it was). Otherwise it starts a new one, keeping the
 * earlier runs' durations; over an unfinished journal of another plan it refuses (a UsageError
 * naming the ways on), unless `--fresh`, which keeps the old journal beside it. The journal is
 * written at once: a path that cannot be written is a UsageError. Whenever it throws, the journal
 * is let go of and left as it was.
 */
export async function openRunJournal(options: OpenRunJournalOptions): Promise<RunJournal> {
  const { run, plan, flags, io, warn } = options;
  if (flags.resume && flags.fresh) {
    throw new UsageError("--resume and --fresh cannot be used together", {
      hint: "--resume continues the run in the journal; --fresh starts a new one over it.",
    });
  }
  const path = journalPath(flags, io.env, run.baseUrl, run.dataProduct);
  const resumeCommand = (p: string) =>
    `${options.commandForResume ?? "tamr-refresh run"} --resume --state ${shellQuote(p)}`;
  const lock = await io.lockJournal(path);
  let chosen: ChosenJournal;
  let store: JournalStore;
  try {
    // Read once held: another run may have changed it since the settings read it.
    const existing = await readJournal(path, io);
    const choice = { path, existing, plan, run, now: new Date(io.clock.now()).toISOString() };
    chosen = flags.resume
      ? resumeJournal(choice)
      : await startJournal(choice, { fresh: flags.fresh === true, io, warn, resumeCommand });
    store = await openJournalStore({ path, journal: chosen.journal, io, warn }).catch(
      (e: unknown) => {
        throw machineError(e, {
          doing: "write the run journal",
          path,
          instead: "pass --state with another path",
          hint: "Pass --state with a writable file path.",
        });
      },
    );
  } catch (e) {
    await lock.release();
    throw e;
  }
  return runJournalOf(store, lock, {
    prior: chosen.prior,
    resumedSince: flags.resume ? Date.parse(chosen.journal.startedAt) : undefined,
    earlierMs: chosen.journal.earlierMs,
    resumeCommand: resumeCommand(path),
  }, () => new Date(io.clock.now()).toISOString());
}

/** The open journal's handle: listens to a run's events, and lets go of the lock at the end. */
function runJournalOf(
  store: JournalStore,
  lock: FileLock,
  known: Pick<RunJournal, "prior" | "resumedSince" | "earlierMs" | "resumeCommand">,
  now: () => string,
): RunJournal {
  const listening = new Set<() => void>();
  let closed: Promise<void> | null = null;
  const finish = () => {
    closed ??= (async () => {
      for (const unsubscribe of listening) unsubscribe();
      listening.clear();
      try {
        await store.close();
      } finally {
        await lock.release();
      }
    })();
    return closed;
  };
  return {
    path: store.path,
    ...known,
    startedAt: store.journal.startedAt,
    get runId() {
      return store.journal.runId;
    },
    get durations() {
      return store.journal.history;
    },
    keepRunId: (runId) =>
      store.update((j) => {
        if (j.runId === runId) return null;
        j.runId = runId;
        return "paced";
      }),
    keepLearned: (learned) => store.update((j) => keepLearned(j, learned) ? "paced" : null),
    attach(events) {
      const unsubscribe = events.subscribe((e) => store.update((j) => foldEvent(j, e)));
      listening.add(unsubscribe);
      return () => {
        listening.delete(unsubscribe);
        unsubscribe();
      };
    },
    detach: () =>
      store.update((j) => {
        j.updatedAt = now();
        return "paced";
      }),
    flush: () => store.flush(),
    finish,
    [Symbol.asyncDispose]: finish,
  };
}
