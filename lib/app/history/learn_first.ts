/**
 * A first run learns from the tenant: the steps with no expected duration yet read the durations
 * of the tenant's earlier successful jobs of the same configurations (a few list pages at most),
 * so they are ordered and paced as well as on a tenth run. Learning never fails the run and
 * never holds it up long: on any trouble it warns and the run goes on without.
 */
import type { JobClient } from "../../kit/api/types.ts";
import type { Clock } from "../../kit/clock.ts";
import { durationText } from "../../kit/duration.ts";
import { ApiError } from "../../kit/errors.ts";
import type { DurationStats } from "../../kit/history/duration_stats.ts";
import { learnDurations } from "../../kit/history/learn.ts";
import type { Plan } from "../../kit/run/plan.ts";
import { expectationsOf, stepsWithout } from "./expectations.ts";
import type { RunRecord } from "./record.ts";

/** The most list pages a run reads to learn durations. */
export const LEARN_PAGES = 3;
/** The longest a run waits for what it learns, whatever the request timeout. */
export const LEARN_BUDGET_MS = 15_000;

/** What learning needs: the tenant, the plan, what is known already, and its limits. */
export interface LearnMissingOptions {
  client: JobClient;
  plan: Plan;
  /** What the run expects already: only the steps not in it are learned. */
  expected: ReadonlyMap<string, DurationStats>;
  /** The run's start (ms): jobs created after it are not earlier runs'. */
  before: number;
  /** The run's signal: an interrupt ends learning at once, without a warning. */
  signal: AbortSignal;
  clock: Clock;
  /** How long learning may take in all; default LEARN_BUDGET_MS. */
  budgetMs?: number;
  /** Told, in a sentence, when learning had trouble (or the tenant refused the filter). */
  warn: (message: string) => void;
}

/**
 * The durations (ms, oldest first) of the tenant's earlier successful jobs, for the plan's steps
 * with no expected duration yet; none asked for when every step has one. On trouble (an error,
 * past the budget) a warning, and what was learned is nothing.
 */
export async function learnMissing(o: LearnMissingOptions): Promise<Map<string, number[]>> {
  const steps = stepsWithout(o.plan, o.expected);
  if (steps.length === 0 || o.signal.aborted) return new Map();
  const budgetMs = o.budgetMs ?? LEARN_BUDGET_MS;
  const controller = new AbortController();
  const outOfTime = new Error("out of time");
  const follow = () => controller.abort(o.signal.reason);
  o.signal.addEventListener("abort", follow, { once: true });
  o.clock.sleep(budgetMs, controller.signal).then(
    () => controller.abort(outOfTime),
    () => {}, // learning ended first: the budget's wait is over
  );
  try {
    return await learnDurations(o.client, { ...o.plan, steps }, {
      before: o.before,
      maxPages: LEARN_PAGES,
      signal: controller.signal,
      onWarning: o.warn,
    });
  } catch (e) {
    if (o.signal.aborted) return new Map(); // interrupted: the run says so
    const why = controller.signal.reason === outOfTime
      ? `it took longer than ${durationText(budgetMs)}`
      : troubleOf(e);
    o.warn(
      `Could not learn durations from the tenant's earlier jobs (${why}); ` +
        `this run starts without them.`,
    );
    return new Map();
  } finally {
    o.signal.removeEventListener("abort", follow);
    controller.abort();
  }
}

/** What went wrong with the list, in a few words (not its long URL). */
function troubleOf(e: unknown): string {
  const text = !(e instanceof ApiError)
    ? e instanceof Error ? e.message : String(e)
    : e.status === null
    ? e.message.replace(/^.*? got no answer/, "the jobs list got no answer")
    : `the jobs list was answered ${e.status}${e.tamrMessage ? `: ${e.tamrMessage}` : ""}`;
  return text.replace(/\.$/, "");
}

/** What the run's expectations are drawn from: its history, its journal, and the tenant. */
export interface ExpectationSources {
  /** The plan's earlier runs, newest first. */
  runs: readonly RunRecord[];
  journal: {
    /** When the journal's run began (RFC 3339). */
    startedAt: string;
    readonly durations: Readonly<Record<string, readonly number[]>>;
    keepLearned(learned: ReadonlyMap<string, readonly number[]>): void;
  };
}

/**
 * The durations the run expects of each step: from its history and journal, and for the steps
 * neither knows, learned from the tenant (and kept in the journal for the runs after).
 */
export async function expectedForRun(
  from: ExpectationSources,
  o: Omit<LearnMissingOptions, "expected" | "before">,
): Promise<Map<string, DurationStats>> {
  const known = expectationsOf(from.runs, from.journal.durations);
  const learned = await learnMissing({
    ...o,
    expected: known,
    before: Date.parse(from.journal.startedAt),
  });
  if (learned.size === 0) return known;
  from.journal.keepLearned(learned);
  return expectationsOf(from.runs, from.journal.durations);
}
