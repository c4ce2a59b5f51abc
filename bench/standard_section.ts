/**
 * The benchmark's sections 1 and 2: the standard scenario, the walkthrough and tamr-refresh at
 * concurrency 4 and 5 (two runs each, the second with the first's history), all in the same run;
 * then the same with durations varied by up to ±10%.
 */
import type { Scenario } from "../lib/sim/scenario.ts";
import { listMakespan, optimalMakespan, type PipelineBound } from "./bound.ts";
import { clock, max, mean, table } from "./report.ts";
import { progress, say } from "./_say.ts";
import { MINUTE, SLOTS, STANDARD_DURATIONS, STANDARD_PLAN, standardScenario } from "./standard.ts";
import { type RunMetrics, runOurs, runWalkthrough } from "./strategies.ts";

/** Every run of the standard scenario: `c4a` is concurrency 4's first run, `c4b` its second. */
export interface StandardRuns {
  walk: RunMetrics;
  c4a: RunMetrics;
  c4b: RunMetrics;
  c5a: RunMetrics;
  c5b: RunMetrics;
  /** The walkthrough and concurrency 4's two runs with durations varied by up to ±10%. */
  walkVaried: RunMetrics;
  v4a: RunMetrics;
  v4b: RunMetrics;
}

/** Runs every strategy on the standard scenario side by side (about 75 s). */
export async function runStandard(): Promise<StandardRuns> {
  progress("standard scenario: walkthrough, ours at concurrency 4 and 5, two runs each (~75 s)");
  const varied = (seed: number) => standardScenario({ jitter: 0.1, seed });
  const [walk, [c4a, c4b], [c5a, c5b], walkVaried, [v4a, v4b]] = await Promise.all([
    runWalkthrough({
      label: "walkthrough: sequential, 30 s polls",
      scenario: standardScenario(),
      plan: STANDARD_PLAN,
    }),
    twoRuns("ours, defaults (concurrency 4)", 4, standardScenario(), standardScenario()),
    twoRuns("ours, concurrency 5", 5, standardScenario(), standardScenario()),
    runWalkthrough({
      label: "walkthrough: sequential, 30 s polls",
      scenario: varied(1),
      plan: STANDARD_PLAN,
    }),
    twoRuns("ours, defaults (concurrency 4)", 4, varied(1), varied(2)),
  ]);
  return { walk, c4a, c4b, c5a, c5b, walkVaried, v4a, v4b };
}

/** tamr-refresh twice: the second run with the journal history of the first. */
async function twoRuns(label: string, concurrency: number, first: Scenario, second: Scenario) {
  const run1 = await runOurs({
    label: `${label}, run 1`,
    scenario: first,
    plan: STANDARD_PLAN,
    concurrency,
  });
  const run2 = await runOurs({
    label: `${label}, run 2 (history of run 1)`,
    scenario: second,
    plan: STANDARD_PLAN,
    concurrency,
    history: run1.history,
  });
  return [run1, run2] as const;
}

const HEADER = ["strategy", "wall", "/bound", "requests/job", "lag mean", "lag worst"];

function row(m: RunMetrics, boundMs: number): string[] {
  return [
    m.outcome === "succeeded" ? m.label : `${m.label} (${m.outcome})`,
    clock(m.wallSimMs),
    (m.wallSimMs / boundMs).toFixed(2),
    (m.requests.total / m.jobs).toFixed(1),
    `${(mean(m.lagsSimMs) / 1000).toFixed(1)}s`,
    `${(max(m.lagsSimMs) / 1000).toFixed(1)}s`,
  ];
}

/** Prints the scenario, its lower bound and both tables. */
export function printStandard(r: StandardRuns, bound: PipelineBound, bound4: PipelineBound): void {
  printBound(bound, bound4);
  say();
  say(table(HEADER, [r.c4a, r.c4b, r.c5a, r.c5b, r.walk].map((m) => row(m, bound.ms))));
  say(
    `Requests count everything: creates, polls and one look at the tenant's unfinished jobs (attach).`,
  );
  say(
    `The walkthrough's lag is small here only because every duration is a whole number of minutes,`,
  );
  say(`a multiple of its 30 s interval. With durations varied by up to ±10% (run 2 gets other`);
  say(`durations than its history; each row's bound is computed from its own jobs):`);
  say();
  say(table(
    HEADER,
    [[r.v4a, r.v4a.bound.ms], [r.v4b, r.v4b.bound.ms], [r.walkVaried, r.walkVaried.bound.ms]]
      .map(([m, b]) => row(m as RunMetrics, b as number)),
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
    } × the bound).`,
  );
}
