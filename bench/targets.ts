/**
 * The benchmark's targets, each with its verdict, and its last line: tamr-refresh's first run
 * (learned from the tenant) and second run against their own lower bound, the walkthrough, and
 * their requests per job and mean lag, over the seeded trials of the varied standard scenario.
 */
import type { PipelineBound } from "./bound.ts";
import { finalLine, max, mean, verdict } from "./report.ts";
import { say } from "./_say.ts";
import { SCALE_SOURCES, type ScaleResults } from "./scale_section.ts";
import {
  DEFAULT_CONCURRENCY,
  lagPct,
  overBound,
  perJob,
  type StandardRuns,
} from "./standard_section.ts";
import { INTERACTIVE_ONLY, type StartupResult } from "./startup.ts";
import type { PollingCost } from "./frontier.ts";
import { etaLine, type EtaSummary, etaWords } from "./eta.ts";

/** Everything the benchmark measured, for its verdicts. */
export interface Measured {
  standard: StandardRuns;
  bound: PipelineBound;
  /** The lower bound at concurrency 4. */
  bound4: PipelineBound;
  /** The best any per-job polling can do at the walkthrough's requests, knowing the distribution. */
  frontier: PollingCost;
  /** The same at the walkthrough's requests less our list requests per job. */
  frontierAfterLists: PollingCost;
  scale: ScaleResults;
  startup: StartupResult;
  /** The ETA 10% into each trial's second run against its actual end. */
  eta: EtaSummary;
  /** How long the benchmark took until the targets, in seconds. */
  benchSeconds: number;
}

const loadsInteractive = (pkgs: string[]) => pkgs.filter((p) => INTERACTIVE_ONLY.includes(p));

/** The headline's numbers: means over the trials; ours is runs 1 and 2 together. */
export function headline(standard: StandardRuns) {
  const { trials } = standard;
  const c = DEFAULT_CONCURRENCY;
  const ours = trials.flatMap((t) => [t.first, t.second]);
  return {
    firstOverBound: mean(trials.map((t) => overBound(t.first, c))),
    secondOverBound: mean(trials.map((t) => overBound(t.second, c))),
    walkthroughOverBound: mean(trials.map((t) => overBound(t.walk, c))),
    requestsPerJob: mean(ours.map(perJob)),
    listsPerJob: mean(ours.map((m) => m.requests.list / m.jobs)),
    sharedPollsPerJob: mean(ours.map((m) => m.requests.sharedPoll / m.jobs)),
    alonePerJob: mean(standard.trials.map((t) => perJob(t.alone))),
    aloneLagPct: mean(standard.trials.map((t) => lagPct(t.alone))),
    walkthroughRequestsPerJob: mean(trials.flatMap((t) => [perJob(t.walkFirst), perJob(t.walk)])),
    lagPct: mean(ours.map(lagPct)),
  };
}

/** Prints every target's verdict, then the last line. */
export function printTargets(m: Measured): void {
  const h = headline(m.standard);
  say("Targets:");
  for (const line of targetLines(m, h)) say(`  ${line}`);
  say();
  say(`The expected end (runEta) 10% into each trial's run 2, against the run's actual end:`);
  say(`  ${etaWords(m.eta.runs[0]!)}; within 5% in ${m.eta.within5} of ${m.eta.runs.length}`);
  say(etaLine(m.eta));
  say();
  say(`The last line: over the ${m.standard.trials.length} trials of durations varying ±10%, the`);
  say(`mean of run 1 (learned from the tenant) and of run 2 (the history of run 1) over the bound`);
  say(`of their own jobs at concurrency ${DEFAULT_CONCURRENCY}, the walkthrough's over its own;`);
  say(`requests per job and the mean lag (% of each job) are ours, runs 1 and 2 together:`);
  say(finalLine(h));
}

/** One line a target: the runs against the bound and polling, memory, CPU, start-up. */
function targetLines(
  { standard, bound, frontier, frontierAfterLists, eta, scale, startup, benchSeconds }: Measured,
  h: ReturnType<typeof headline>,
): string[] {
  const { c5b } = standard.exact;
  const { scale: runs, dashboard } = scale;
  const helpRatio = startup.helpMs / startup.emptyMs;
  const loadsOnHelp = loadsInteractive(startup.helpPackages);
  const loadsOnRun = loadsInteractive(startup.runPackages);
  const atMost = (digits: number) => ({ digits, orEqual: true });
  return [
    verdict("varied, run 1 (learned): wall / own bound", h.firstOverBound, 1.03, "", atMost(3)),
    verdict("varied, run 2: wall / own bound", h.secondOverBound, 1.03, "", atMost(3)),
    verdict("varied, runs 1 and 2: mean lag, % of a job", h.lagPct, 2, "%", atMost(2)),
    verdict(
      "varied, runs 1 and 2: requests/job vs the walkthrough's",
      h.requestsPerJob,
      h.walkthroughRequestsPerJob,
      "",
      atMost(2),
    ),
    `  (of those, ${h.sharedPollsPerJob.toFixed(2)} are shared polls, one list by job_id for ` +
    `every job running, and ${h.listsPerJob.toFixed(2)} lists that learn or look for jobs;`,
    `   each job polled alone, run 2 takes ${h.alonePerJob.toFixed(2)} requests/job at ` +
    `${h.aloneLagPct.toFixed(2)}% lag, and the best per-job polling there is, knowing each ` +
    `job's distribution,`,
    `   lags ${frontier.lagPct.toFixed(2)}% at the walkthrough's ` +
    `${frontier.requestsPerJob.toFixed(2)}, ${frontierAfterLists.lagPct.toFixed(2)}% at ` +
    `${frontierAfterLists.requestsPerJob.toFixed(2)} once the lists are paid for)`,
    verdict("ETA 10% into run 2: mean |error|, % of the run", eta.meanPct, 5, "%", atMost(1)),
    verdict(
      "exact, run 2, concurrency 5: wall / bound",
      c5b.wallMs / bound.ms,
      1.03,
      "",
      atMost(3),
    ),
    verdict(
      `peak RSS, ${SCALE_SOURCES} sources, headless`,
      max(runs.slice(0, 2).map((r) => r.peakRssMb)),
      150,
      " MB",
      { digits: 0 },
    ),
    verdict(`peak RSS, ${SCALE_SOURCES} sources, dashboard`, runs[2]!.peakRssMb, 150, " MB", {
      digits: 0,
    }),
    verdict("CPU while waiting, headless, default poll interval", runs[1]!.waitingCpuPct, 5, "%"),
    verdict("CPU while waiting, headless, polling every 100 ms", runs[0]!.waitingCpuPct, 5, "%"),
    verdict("CPU while waiting, dashboard", dashboard.liveIdleCpuPct, 5, "%"),
    verdict("--help time / empty script", helpRatio, 1.5, "×", { digits: 2 }),
    `${loadsOnHelp.length === 0 ? "✓" : "✗"} --help loads no Ink, React or prompts${
      loadsOnHelp.length ? ` (loads ${loadsOnHelp.join(", ")})` : ""
    }`,
    `${loadsOnRun.length === 0 ? "✓" : "✗"} a headless run loads no Ink, React or prompts${
      loadsOnRun.length ? ` (loads ${loadsOnRun.join(", ")})` : ""
    }`,
    `  this benchmark took ${benchSeconds.toFixed(0)} s.`,
  ];
}
