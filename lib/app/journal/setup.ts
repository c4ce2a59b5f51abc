/**
 * Opening a run's journal: continue the one on disk (`--resume`) or start a new one, then keep it
 * up to date with the run's events through a journal store.
 */
import { UsageError } from "../../kit/errors.ts";
import type { RunEvent } from "../../kit/run/events.ts";
import { type Plan, planFingerprint } from "../../kit/run/plan.ts";
import { type Pacing, pacingOf } from "../pacing.ts";
import type { Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import {
  archivePathFor,
  expectedDurations,
  foldEvent,
  type JournalData,
  newJournal,
  priorSteps,
} from "./journal.ts";
import { journalPath, noJournalToResume, readJournal } from "./file.ts";
import { type JournalStore, journalText, openJournalStore } from "./store.ts";
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
  io: Pick<Io, "env" | "exists" | "readTextFile" | "writeTextFile" | "clock" | "lockJournal">;
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
  let journal: JournalData;
  let prior: RunJournal["prior"];
  let store: JournalStore;
  try {
    // Read once held: another run may have changed it since the settings read it.
    const existing = await readJournal(path, io);
    const now = new Date(io.clock.now()).toISOString();
    if (flags.resume) {
      if (!existing) throw noJournalToResume(path);
      if (!isSamePlan(existing, plan, run)) {
        throw new UsageError(
          `The run journal ${path} was written for another plan (${
            planText(existing.plan, existing.baseUrl)
          }), not this one (${planText(plan, run.baseUrl)})${stepsApart(existing.plan, plan)}`,
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
        if (flags.fresh) {
          const kept = await keepBeside(path, existing, io);
          warn(
            `Started afresh over an unfinished run: its journal ${path} is kept as ${kept}. ` +
              `To continue that run: ${resumeCommand(kept)}`,
          );
        } else if (!isSamePlan(existing, plan, run)) {
          throw new UsageError(
            `The run journal ${path} holds an unfinished run of another plan (${
              planText(existing.plan, existing.baseUrl)
            }, started ${existing.startedAt}), not this one (${planText(plan, run.baseUrl)})${
              stepsApart(existing.plan, plan)
            }`,
            {
              hint: `Nothing was created and the journal is as it was. Continue that run with ` +
                `\`${resumeCommand(path)}\`, use another journal with --state FILE, or start ` +
                `afresh with --fresh (the unfinished journal is then kept as ${
                  archivePathFor(path, existing.startedAt)
                }).`,
            },
          );
        } else {
          warn(
            `An earlier run of this plan did not finish (journal ${path}); starting a new run. ` +
              `Jobs it left running are attached to, not created twice. Use --resume to continue it instead.`,
          );
        }
      }
      journal = newJournal(plan, run, now, { ...existing?.history }, pacingOf(run));
      prior = undefined;
    }
    store = await openJournalStore({
      path,
      journal,
      writeTextFile: io.writeTextFile,
      clock: io.clock,
      warn,
    }).catch((e: unknown) => {
      throw machineError(e, {
        doing: "write the run journal",
        path,
        instead: "pass --state with another path",
        hint: "Pass --state with a writable file path.",
      });
    });
  } catch (e) {
    await lock.release();
    throw e;
  }
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
    path,
    prior,
    resumedSince: flags.resume ? Date.parse(journal.startedAt) : undefined,
    expectedDurations: expectedDurations(journal),
    resumeCommand: resumeCommand(path),
    attach(events) {
      const unsubscribe = events.subscribe((e) => store.update((j) => foldEvent(j, e)));
      listening.add(unsubscribe);
      return () => {
        listening.delete(unsubscribe);
        unsubscribe();
      };
    },
    flush: () => store.flush(),
    finish,
    [Symbol.asyncDispose]: finish,
  };
}

/** True when `journal` was written for this plan on this base URL. */
function isSamePlan(journal: JournalData, plan: Plan, run: { baseUrl: string }): boolean {
  return journal.fingerprint === planFingerprint(plan) && journal.baseUrl === run.baseUrl;
}

/** A plan in a few words: `5 steps for data product dp on https://acme.tamr.cloud`. */
function planText(plan: Plan, baseUrl: string): string {
  const n = plan.steps.length;
  return `${n} step${n === 1 ? "" : "s"} for data product ${plan.dataProduct} on ${baseUrl}`;
}

/** The steps only one of two plans has, as `: it has load:a, this one has load:b`; or "". */
function stepsApart(theirs: Plan, ours: Plan): string {
  const ids = (p: Plan) => new Set(p.steps.map((s) => s.id));
  const only = (a: Set<string>, b: Set<string>) => {
    const out = [...a].filter((id) => !b.has(id));
    return out.length > 3
      ? `${out.slice(0, 3).join(", ")} and ${out.length - 3} more`
      : out.join(", ");
  };
  const [t, o] = [ids(theirs), ids(ours)];
  const parts = [
    ...(only(t, o) ? [`it has ${only(t, o)}`] : []),
    ...(only(o, t) ? [`this one has ${only(o, t)}`] : []),
  ];
  return parts.length > 0 ? `: ${parts.join(", ")}` : "";
}

/** Copies an unfinished journal beside itself (for `--fresh`), and says where. */
async function keepBeside(
  path: string,
  journal: JournalData,
  io: Pick<Io, "exists" | "writeTextFile">,
): Promise<string> {
  let n = 1;
  let kept = archivePathFor(path, journal.startedAt);
  try {
    while (await io.exists(kept)) kept = archivePathFor(path, journal.startedAt, ++n);
    await io.writeTextFile(kept, journalText(journal));
  } catch (e) {
    throw machineError(e, {
      doing: "keep the unfinished run journal as",
      path: kept,
      instead: "pass --state with another path",
    });
  }
  return kept;
}
