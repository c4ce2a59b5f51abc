/**
 * The benchmark's targets, each with its verdict, and its last line: tamr-refresh with its default
 * settings on its first run against the lower bound and the walkthrough.
 */
import type { PipelineBound } from "./bound.ts";
import { finalLine, max, mean, verdict } from "./report.ts";
import { say } from "./_say.ts";
import { SCALE_SOURCES, type ScaleResults } from "./scale_section.ts";
import type { StandardRuns } from "./standard_section.ts";
import { INTERACTIVE_ONLY, type StartupResult } from "./startup.ts";
import type { RunMetrics } from "./strategies.ts";

/** Everything the benchmark measured, for its verdicts. */
export interface Measured {
  standard: StandardRuns;
  bound: PipelineBound;
  /** The lower bound at concurrency 4. */
  bound4: PipelineBound;
  scale: ScaleResults;
  startup: StartupResult;
  /** How long the benchmark took until the targets, in seconds. */
  benchSeconds: number;
}

const perJob = (m: RunMetrics) => m.requests.total / m.jobs;
const loadsInteractive = (pkgs: string[]) => pkgs.filter((p) => INTERACTIVE_ONLY.includes(p));

/** Prints every target's verdict, then the last line. */
export function printTargets(m: Measured): void {
  say("Targets:");
  for (const line of targetLines(m)) say(`  ${line}`);
  say();
  say(
    `The last line is tamr-refresh with its default settings on its first run (no history), the`,
  );
  say(`walkthrough, and that run's requests per job and mean lag (simulated seconds):`);
  const { c4a, walk } = m.standard;
  say(finalLine({
    oursOverBound: c4a.wallSimMs / m.bound.ms,
    walkthroughOverBound: walk.wallSimMs / m.bound.ms,
    requestsPerJob: perJob(c4a),
    lagMeanSeconds: mean(c4a.lagsSimMs) / 1000,
  }));
}

/** One line a target: the second runs against the bound and polling, memory, CPU, start-up. */
function targetLines(
  { standard, bound, bound4, scale, startup, benchSeconds }: Measured,
): string[] {
  const { c4b, c5b, walk } = standard;
  const { scale: runs, dashboard } = scale;
  const helpRatio = startup.helpMs / startup.emptyMs;
  const loadsOnHelp = loadsInteractive(startup.helpPackages);
  const loadsOnRun = loadsInteractive(startup.runPackages);
  const atMost = (digits: number) => ({ digits, orEqual: true });
  return [
    verdict("run 2, concurrency 5: wall / bound", c5b.wallSimMs / bound.ms, 1.03, "", atMost(3)),
    verdict(
      "run 2, defaults (concurrency 4): wall / bound",
      c4b.wallSimMs / bound.ms,
      1.03,
      "",
      atMost(3),
    ) + ` (its own floor is ${(bound4.ms / bound.ms).toFixed(3)})`,
    verdict(
      "run 2, concurrency 5: requests/job vs fixed 30 s polling",
      perJob(c5b),
      perJob(walk),
      "",
      atMost(2),
    ),
    verdict(
      "run 2, defaults: requests/job vs fixed 30 s polling",
      perJob(c4b),
      perJob(walk),
      "",
      atMost(2),
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
