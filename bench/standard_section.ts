/**
 * The benchmark's sections 1 and 2, on virtual time: the standard scenario with exact durations
 * (the walkthrough, tamr-refresh at concurrency 4 and 5, two runs each), then with durations
 * varying ±10% from run to run over several seeds: a first run that learns from the tenant's
 * earlier jobs, a second run with the first's history, a first run with nothing to learn, and the
 * walkthrough on the same durations as each of the two runs.
 */
import type { RunOptions } from "../lib/kit/run/run_options.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { listMakespan, optimalMakespan, type PipelineBound, pipelineBound } from "./bound.ts";
import { clock, max, mean, table } from "./report.ts";
import { progress, say } from "./_say.ts";
import { MINUTE, SLOTS, STANDARD_DURATIONS, STANDARD_PLAN, standardScenario } from "./standard.ts";
import { type RunMetrics, runOurs, runWalkthrough } from "./strategies.ts";

/** Earlier runs left on the tenant of a first run: a week of daily runs. */
export const PAST_RUNS = 7;
/** Seeded trials of the varied scenario. */
export const TRIALS = 40;
/** The default concurrency: the headline's runs and their own bound. */
export const DEFAULT_CONCURRENCY = 4;

/** One trial of the varied scenario. */
export interface Trial {
  seed: number;
  /** Run 1, learning from the tenant's earlier runs. */
  first: RunMetrics;
  /** Run 2, with run 1's history (learned and its own), on other durations. */
  second: RunMetrics;
  /** Run 1 on a tenant with no earlier jobs: nothing to learn. */
  cold: RunMetrics;
  /** Run 2 with each job polled alone (as on a tenant whose list does not filter). */
  alone: RunMetrics;
  /** The walkthrough on run 2's durations. */
  walk: RunMetrics;
  /** The walkthrough on run 1's durations (for requests per job on the same jobs). */
  walkFirst: RunMetrics;
}

/** Every run of the standard scenario. */
export interface StandardRuns {
  exact: { walk: RunMetrics; c4a: RunMetrics; c4b: RunMetrics; c5a: RunMetrics; c5b: RunMetrics };
  trials: Trial[];
}

/** The varied scenario of a trial's run: its own seed, ±10%. */
export const variedScenario = (seed: number, pastRuns = 0): Scenario =>
  standardScenario({ jitter: 0.1, seed, pastRuns });

/** Runs every strategy on the standard scenario, exact and then varied (a few seconds). */
export async function runStandard(): Promise<StandardRuns> {
  progress("standard scenario on virtual time: exact durations, then ±10% over seeded trials");
  const plan = STANDARD_PLAN;
  const twoRuns = async (label: string, concurrency: number) => {
    const first = await runOurs({
      label: `${label}, run 1 (learned)`,
      scenario: standardScenario({ pastRuns: PAST_RUNS }),
      plan,
      concurrency,
      learn: true,
    });
    const second = await runOurs({
      label: `${label}, run 2`,
      scenario: standardScenario(),
      plan,
      concurrency,
      history: first.history,
    });
    return [first, second] as const;
  };
  const walk = await runWalkthrough({
    label: "walkthrough: sequential, 30 s polls",
    scenario: standardScenario(),
    plan,
  });
  const [c4a, c4b] = await twoRuns("ours, defaults (concurrency 4)", 4);
  const [c5a, c5b] = await twoRuns("ours, concurrency 5", 5);
  const trials: Trial[] = [];
  for (let seed = 1; seed <= TRIALS; seed++) trials.push(await runTrial(seed));
  return { exact: { walk, c4a, c4b, c5a, c5b }, trials };
}

/** One seeded trial: run 1 on seed `2s − 1` (with earlier runs to learn from), run 2 on `2s`. */
export async function runTrial(seed: number): Promise<Trial> {
  const plan = STANDARD_PLAN;
  const concurrency = DEFAULT_CONCURRENCY;
  const firstSeed = 2 * seed - 1;
  const first = await runOurs({
    label: "ours, run 1: learned from the tenant's earlier jobs",
    scenario: variedScenario(firstSeed, PAST_RUNS),
    plan,
    concurrency,
    learn: true,
  });
  // Run 2 on its own seed with run 1's history, shared polls or (as on a tenant whose list cannot
  // be used) each job polled alone.
  const secondRun = (label: string, run: Partial<RunOptions> = {}) =>
    runOurs({
      label,
      scenario: variedScenario(2 * seed),
      plan,
      concurrency,
      history: first.history,
      run,
    });
  const second = await secondRun("ours, run 2: the history of run 1");
  const cold = await runOurs({
    label: "ours, run 1 on a tenant with no earlier jobs",
    scenario: variedScenario(firstSeed),
    plan,
    concurrency,
    learn: true,
  });
  const alone = await secondRun("ours, run 2, each job polled alone (no shared list)", {
    sharePolls: false,
  });
  const walk = await runWalkthrough({
    label: "walkthrough: sequential, 30 s polls",
    scenario: variedScenario(2 * seed),
    plan,
  });
  const walkFirst = await runWalkthrough({
    label: "walkthrough on run 1's durations",
    scenario: variedScenario(firstSeed),
    plan,
  });
  return { seed, first, second, cold, alone, walk, walkFirst };
}

/** A run's wall time over the lower bound of its own jobs at `slots` sources at once. */
export function overBound(m: RunMetrics, slots: number): number {
  return m.wallMs / pipelineBound(m.durations, slots).ms;
}

export const perJob = (m: RunMetrics) => m.requests.total / m.jobs;
export const lagPct = (m: RunMetrics) => mean(m.lagPcts);

/** Means over the trials of one kind of run. */
export function summary(runs: readonly RunMetrics[], slots: number) {
  return {
    label: runs[0]!.label,
    overBound: mean(runs.map((m) => overBound(m, slots))),
    worstOverBound: max(runs.map((m) => overBound(m, slots))),
    requestsPerJob: mean(runs.map(perJob)),
    lagPct: mean(runs.map(lagPct)),
    worstLagPct: max(runs.flatMap((m) => m.lagPcts)),
    lagS: mean(runs.flatMap((m) => m.lagsMs)) / 1000,
  };
}

const EXACT_HEADER = ["strategy", "wall", "/bound", "requests/job", "lag mean", "lag %"];

function exactRow(m: RunMetrics, boundMs: number): string[] {
  return [
    m.outcome === "succeeded" ? m.label : `${m.label} (${m.outcome})`,
    clock(m.wallMs),
    (m.wallMs / boundMs).toFixed(2),
    perJob(m).toFixed(1),
    `${(mean(m.lagsMs) / 1000).toFixed(1)}s`,
    `${lagPct(m).toFixed(2)}%`,
  ];
}

/** Prints the scenario, its lower bound and both tables. */
export function printStandard(r: StandardRuns, bound: PipelineBound, bound4: PipelineBound): void {
  printBound(bound, bound4);
  say();
  say("Exact durations (every job as long as its usual; run 1 learns them from 7 earlier runs):");
  const { walk, c4a, c4b, c5a, c5b } = r.exact;
  say(table(EXACT_HEADER, [c4a, c4b, c5a, c5b, walk].map((m) => exactRow(m, bound.ms))));
  say(
    "Requests count everything: creates, polls, the look for jobs to attach to and the learning.",
  );
  say(
    "A poll is one list filtered by job_id answering for every job being waited on (shared), " +
      "or a GET of one job.",
  );
  say();
  say(
    `Durations varying ±10% from run to run (uniform, seeded), ${r.trials.length} trials; each ` +
      `run against the bound of its own jobs at concurrency ${DEFAULT_CONCURRENCY}; means over ` +
      `the trials (worst in brackets); lag per job as a share of that job:`,
  );
  const kinds = [
    r.trials.map((t) => t.first),
    r.trials.map((t) => t.second),
    r.trials.map((t) => t.cold),
    r.trials.map((t) => t.alone),
    r.trials.map((t) => t.walk),
  ].map((runs) => summary(runs, DEFAULT_CONCURRENCY));
  say(table(
    ["strategy", "/bound", "requests/job", "lag %", "lag s"],
    kinds.map((k) => [
      k.label,
      `${k.overBound.toFixed(3)} (${k.worstOverBound.toFixed(3)})`,
      k.requestsPerJob.toFixed(2),
      `${k.lagPct.toFixed(2)}% (${k.worstLagPct.toFixed(0)}%)`,
      `${k.lagS.toFixed(1)}s`,
    ]),
  ));
  say();
}

/** The scenario in words and how its lower bound is made up. */
function printBound(bound: PipelineBound, bound4: PipelineBound): void {
  const minutes = (ms: readonly number[]) => ms.map((d) => d / MINUTE).join(", ");
  const sources = STANDARD_DURATIONS.loads;
  say(
    `Standard scenario: sources of ${minutes(sources)} min; data product ${
      STANDARD_DURATIONS.update / MINUTE
    } min; index ${minutes(STANDARD_DURATIONS.after.slice(0, 1))} min; publishes ${
      minutes(STANDARD_DURATIONS.after.slice(1))
    } min; at most ${SLOTS} jobs at once.`,
  );
  say(
    `Lower bound ${clock(bound.ms)} = sources ${
      clock(bound.loads.ms)
    } (the optimal makespan of the ${sources.length} sources on ${SLOTS} slots, by exhaustive search)`,
  );
  say(
    `  + data product ${clock(bound.update)} + index and publishes ${
      clock(bound.after.ms)
    } (side by side: the longest). Sources in plan order on ${SLOTS} slots: ${
      clock(listMakespan(sources, SLOTS))
    }; longest first: ${clock(listMakespan([...sources].sort((a, b) => b - a), SLOTS))}.`,
  );
  say(
    `  At concurrency 4 the sources need at least ${
      clock(optimalMakespan(sources, 4).ms)
    }, so no run at concurrency 4 can beat ${clock(bound4.ms)} (${
      (bound4.ms / bound.ms).toFixed(3)
    } × the bound): the varied runs are measured against that, their own.`,
  );
}
