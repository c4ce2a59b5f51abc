/**
 * Opening a run's journal: continue the one on disk (`--resume`) or start a new one, then keep it
 * up to date with the run's events through a journal store.
 */
import { UsageError } from "../../kit/errors.ts";
import type { RunEvent } from "../../kit/run/events.ts";
import { type Plan, planFingerprint } from "../../kit/run/plan.ts";
import { type Pacing, pacingOf } from "../pacing.ts";
import type { Io } from "../io.ts";
import {
  expectedDurations,
  foldEvent,
  type JournalData,
  newJournal,
  priorSteps,
} from "./journal.ts";
import { journalPath, type LoadedJournal, noJournalToResume, readJournal } from "./file.ts";
import { openJournalStore } from "./store.ts";
import { shellQuote } from "../shell.ts";

/** What the journal listens to: the run's events (an EventBus, or a run store). */
export interface RunEventSource {
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/** The journal of one run, open. */
export interface RunJournal {
  path: string;
  /** With `--resume`: what the journal knew of each step. */
  prior: Map<string, { jobId?: string; outcome?: string }> | undefined;
  /** With `--resume`: when the journal's run began (ms since the epoch), for `RunOptions`. */
  resumedSince: number | undefined;
  /** The median of each step's earlier durations, for duration-aware polling. */
  expectedDurations: Map<string, number>;
  /** The command that continues this run. */
  resumeCommand: string;
  /** Keeps the journal up to date with the run's events; returns a function that stops it. */
  attach(events: RunEventSource): () => void;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  /** Stops listening and writes what is pending; resolves once it is on disk. */
  finish(): Promise<void>;
}

/** What opening a run's journal needs. */
export interface OpenRunJournalOptions {
  run: { tenant: string; baseUrl: string; dataProduct: string } & Pacing;
  plan: Plan;
  flags: { state?: string | undefined; resume?: boolean | undefined };
  io: Pick<Io, "env" | "exists" | "readTextFile" | "writeTextFile" | "clock">;
  /** The journal the settings already read (with `--resume`), so it is not read twice. */
  loaded?: LoadedJournal | undefined;
  /**
   * Told what the user should know, in a sentence without a prefix: an earlier run of this plan
   * did not finish, or the journal cannot be written.
   */
  warn: (message: string) => void;
  /** How to run this program's `run` again, for the printed resume command. */
  commandForResume?: string;
}

/**
 * Opens the run journal: with `--resume` continues the one on disk (refusing one written for
 * another plan, and leaving it as it was); otherwise starts a new one, keeping the earlier runs'
 * durations. The journal is written at once: a path that cannot be written is a UsageError.
 */
export async function openRunJournal(options: OpenRunJournalOptions): Promise<RunJournal> {
  const { run, plan, flags, io, warn } = options;
  const path = journalPath(flags, io.env, run.tenant, run.dataProduct);
  const existing = options.loaded?.path === path
    ? options.loaded.journal
    : await readJournal(path, io);
  const now = new Date(io.clock.now()).toISOString();
  let journal: JournalData;
  let prior: RunJournal["prior"];
  if (flags.resume) {
    if (!existing) throw noJournalToResume(path);
    if (existing.fingerprint !== planFingerprint(plan) || existing.baseUrl !== run.baseUrl) {
      throw new UsageError(
        `The run journal ${path} was written for another plan (${existing.plan.steps.length} steps on ${existing.baseUrl}), not this one (${plan.steps.length} steps on ${run.baseUrl})`,
        {
          hint:
            "Resume with the same sources, data product, workflow and destinations, or drop --resume.",
        },
      );
    }
    journal = {
      ...existing,
      steps: { ...existing.steps },
      history: { ...existing.history },
      finished: false,
      updatedAt: now,
    };
    delete journal.outcome;
    prior = priorSteps(existing);
  } else {
    if (existing && !existing.finished) {
      warn(
        `An earlier run of this plan did not finish (journal ${path}); starting a new run. ` +
          `Jobs it left running are attached to, not created twice. Use --resume to continue it instead.`,
      );
    }
    journal = newJournal(plan, run, now, { ...existing?.history }, pacingOf(run));
    prior = undefined;
  }

  const store = await openJournalStore({
    path,
    journal,
    writeTextFile: io.writeTextFile,
    clock: io.clock,
    warn,
  }).catch((e: Error) => {
    throw new UsageError(`Cannot write the run journal ${path}: ${e.message}`, {
      hint: "Pass --state with a writable file path.",
      cause: e,
    });
  });
  const listening = new Set<() => void>();
  return {
    path,
    prior,
    resumedSince: flags.resume ? Date.parse(journal.startedAt) : undefined,
    expectedDurations: expectedDurations(journal),
    resumeCommand: `${options.commandForResume ?? "tamr-refresh run"} --resume --state ${
      shellQuote(path)
    }`,
    attach(events) {
      const unsubscribe = events.subscribe((e) => store.update((j) => foldEvent(j, e)));
      listening.add(unsubscribe);
      return () => {
        listening.delete(unsubscribe);
        unsubscribe();
      };
    },
    flush: () => store.flush(),
    finish() {
      for (const unsubscribe of listening) unsubscribe();
      listening.clear();
      return store.close();
    },
  };
}
