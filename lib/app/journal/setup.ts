import { checkTenant, type RunFlags } from "../settings/config.ts";
import { UsageError } from "../../kit/errors.ts";
import type { EventBus } from "../../kit/run/event_bus.ts";
import {
  applyToJournal,
  defaultJournalPath,
  expectedDurations,
  type JournalData,
  newJournal,
  parseJournal,
  planInputOf,
  priorSteps,
} from "./journal.ts";
import { type Plan, planFingerprint } from "../../kit/run/plan.ts";
import type { RunResult } from "../../kit/run/runner.ts";
import type { RunSettings } from "../settings/config.ts";
import type { Io } from "../io.ts";
import { shellQuote } from "../shell.ts";

export interface JournalHandle {
  path: string;
  prior: Map<string, { jobId?: string; outcome?: string }> | undefined;
  /** With `--resume`: when the journal's run began (ms since the epoch), for `RunOptions`. */
  resumedSince: number | undefined;
  expectedDurations: Map<string, number>;
  resumeCommand: string;
  /** Keeps the journal up to date with the run's events. */
  attach(bus: EventBus): void;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  finish(result: RunResult): Promise<void>;
}

/** The least time between two journal writes while a run goes on (each rewrites the file). */
export const JOURNAL_WRITE_GAP_MS = 1_000;

/** Where this run's journal lives: `--state`, or a default path per tenant and data product. */
export function journalPath(
  flags: { state?: string | undefined },
  env: Record<string, string | undefined>,
  tenant: string,
  dataProduct: string,
): string {
  return flags.state ?? defaultJournalPath(env, tenant, dataProduct);
}

/** Reads the journal at `path`, or null when there is none. */
export async function readJournal(
  path: string,
  io: Pick<Io, "exists" | "readTextFile">,
): Promise<JournalData | null> {
  if (!(await io.exists(path))) return null;
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read the run journal ${path}: ${(e as Error).message}`, {
      hint: "Pass --state with a readable journal file.",
    });
  }
  return parseJournal(text, path);
}

const NO_JOURNAL_HINT =
  "Pass the --state file the interrupted run printed, or run without --resume.";

/** A journal's number as the flag text that gives it back, or undefined. */
function paced(value: number | undefined, unit: "" | "ms"): string | undefined {
  return value === undefined ? undefined : `${value}${unit}`;
}

/**
 * `--resume --state FILE` without the plan: takes the sources, data product, workflow,
 * destinations, base URL and pacing (and the tenant, when it is a DNS label) from the journal, so the
 * resume command a run prints works on its own. Flags given explicitly are kept; with any plan
 * flag or a config file, the flags are returned unchanged (the journal check comes later).
 */
export async function flagsFromJournal<F extends RunFlags>(
  flags: F & { state?: string | undefined; resume?: boolean | undefined },
  io: Pick<Io, "exists" | "readTextFile">,
): Promise<F> {
  const givenPlan = (flags.source?.length ?? 0) > 0 || flags.dataProduct !== undefined ||
    flags.workflow !== undefined || (flags.destination?.length ?? 0) > 0 ||
    flags.config !== undefined;
  if (!flags.resume || flags.state === undefined || givenPlan) return flags;
  const journal = await readJournal(flags.state, io);
  if (!journal) {
    throw new UsageError(`There is no run journal to resume at ${flags.state}`, {
      hint: NO_JOURNAL_HINT,
    });
  }
  const input = planInputOf(journal);
  let tenant = flags.tenant;
  if (tenant === undefined) {
    try {
      checkTenant(journal.tenant);
      tenant = journal.tenant;
    } catch (e) {
      // A tenant taken from a base URL's host (127.0.0.1) is not a label; the base URL says it all.
      if (!(e instanceof UsageError)) throw e;
    }
  }
  return {
    ...flags,
    source: input.sources,
    dataProduct: input.dataProduct,
    workflow: input.workflow,
    destination: input.destinations,
    baseUrl: flags.baseUrl ?? journal.baseUrl,
    tenant,
    // The run's pacing, unless given again.
    concurrency: flags.concurrency ?? paced(journal.settings?.concurrency, ""),
    pollInterval: flags.pollInterval ?? paced(journal.settings?.pollIntervalMs, "ms"),
    timeout: flags.timeout ?? paced(journal.settings?.timeoutMs, "ms"),
    requestTimeout: flags.requestTimeout ?? paced(journal.settings?.requestTimeoutMs, "ms"),
  };
}

/**
 * Opens the run journal: with `--resume` continues the one on disk (refusing one written for
 * another plan); otherwise starts a new one, keeping the earlier runs' durations.
 */
export async function prepareJournal(
  run: RunSettings,
  plan: Plan,
  flags: { state?: string | undefined; resume?: boolean | undefined },
  io: Io,
  commandForResume = "tamr-refresh run",
): Promise<JournalHandle> {
  const path = journalPath(flags, io.env, run.tenant, run.dataProduct);
  const existing = await readJournal(path, io);
  const now = new Date(io.clock.now()).toISOString();
  let journal: JournalData;
  let prior: JournalHandle["prior"];
  if (flags.resume) {
    if (!existing) {
      throw new UsageError(`There is no run journal to resume at ${path}`, {
        hint: NO_JOURNAL_HINT,
      });
    }
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
      io.err(
        `warning: an earlier run of this plan did not finish (journal ${path}); starting a new run. ` +
          `Jobs it left running are attached to, not created twice. Use --resume to continue it instead.\n`,
      );
    }
    journal = newJournal(plan, run, now, { ...existing?.history }, {
      concurrency: run.concurrency,
      pollIntervalMs: run.pollIntervalMs,
      timeoutMs: run.timeoutMs,
      requestTimeoutMs: run.requestTimeoutMs,
    });
    prior = undefined;
  }

  // Writes are coalesced (one in flight, the latest state pending) and paced: each rewrites the
  // whole file (about 0.5 MB with 1,000 sources), so the next starts JOURNAL_WRITE_GAP_MS after the
  // last ended, except when a step got a new job id: that is written at once. flush() and finish()
  // write what is pending at once.
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  let warned = false;
  let lastWriteEnd = -Infinity;
  const hurry = new AbortController();
  let urgent = false;
  const write = (now: boolean) => {
    dirty = true;
    urgent ||= now;
    writing = writing.then(async () => {
      if (!dirty) return;
      const wait = lastWriteEnd + JOURNAL_WRITE_GAP_MS - io.clock.now();
      if (wait > 0 && !urgent && !hurry.signal.aborted) {
        await io.clock.sleep(wait, hurry.signal).then(
          () => {},
          (reason) => {
            if (!hurry.signal.aborted) throw reason; // only flush() cuts the pause short
          },
        );
      }
      if (!dirty) return;
      dirty = false;
      urgent = false;
      try {
        await io.writeTextFile(path, JSON.stringify(journal, null, 2) + "\n");
        lastWriteEnd = io.clock.now();
      } catch (e) {
        if (!warned) {
          warned = true;
          io.err(`warning: cannot write the run journal ${path}: ${(e as Error).message}\n`);
        }
      }
    });
    return writing;
  };
  try {
    await io.writeTextFile(path, JSON.stringify(journal, null, 2) + "\n");
  } catch (e) {
    throw new UsageError(`Cannot write the run journal ${path}: ${(e as Error).message}`, {
      hint: "Pass --state with a writable file path.",
    });
  }
  return {
    path,
    prior,
    resumedSince: flags.resume ? Date.parse(journal.startedAt) : undefined,
    expectedDurations: expectedDurations(journal),
    resumeCommand: `${commandForResume} --resume --state ${shellQuote(path)}`,
    attach(bus) {
      bus.subscribe((e) => {
        const jobBefore = e.type === "step" ? journal.steps[e.step]?.jobId : undefined;
        if (!applyToJournal(journal, e)) return;
        const jobAfter = e.type === "step" ? journal.steps[e.step]?.jobId : undefined;
        void write(jobAfter !== undefined && jobAfter !== jobBefore);
      });
    },
    flush: () => {
      hurry.abort();
      return writing;
    },
    async finish() {
      hurry.abort();
      await writing;
    },
  };
}
