/**
 * `deno task bench`: tamr-refresh against the walkthrough's strategy and the lower bound on the
 * simulated tenant, duration-aware polling, 1,000 sources, and start-up. Prints tables and ends
 * with `bench: ours/bound=X.XX walkthrough/bound=Y.YY requests/job=Z.Z lag_mean_s=L.L`.
 * Takes about three minutes on 2 cores.
 */
import type { Scenario } from "../lib/sim/scenario.ts";
import { listMakespan, optimalMakespan, pipelineBound } from "./bound.ts";
import { clock, finalLine, max, mean, table, verdict } from "./report.ts";
import { runScale, type ScaleRun } from "./scale.ts";
import { MINUTE, SLOTS, STANDARD_DURATIONS, STANDARD_PLAN, standardScenario } from "./standard.ts";
import { INTERACTIVE_ONLY, measureStartup } from "./startup.ts";
import { type RunMetrics, runOurs, runWalkthrough } from "./strategies.ts";
import type { RenderResult } from "./dashboard_render.ts";

const encoder = new TextEncoder();
/** The report, on stdout. */
function say(text = ""): void {
  let bytes = encoder.encode(text + "\n");
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}
/** Progress, on stderr (nothing is written there after the last line). */
function progress(text: string): void {
  Deno.stderr.writeSync(encoder.encode(`… ${text}\n`));
}

const began = performance.now();
const bound = pipelineBound(STANDARD_DURATIONS, SLOTS);
const bound4 = pipelineBound(STANDARD_DURATIONS, 4);
const minutes = (ms: readonly number[]) => ms.map((d) => d / MINUTE).join(", ");

say(`tamr-refresh benchmark · deno ${Deno.version.deno} · ${navigator.hardwareConcurrency} cores`);
say(`Time is scaled: 1 simulated minute = 1 real second (poll intervals too: 30 s = 0.5 s real).`);
say();

// ---- 1 and 2: the standard scenario, each strategy in the same run ----------------------------

progress("standard scenario: walkthrough, ours at concurrency 4 and 5, two runs each (~75 s)");
const twoRuns = async (label: string, concurrency: number, first: Scenario, second: Scenario) => {
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
};
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

const header = ["strategy", "wall", "/bound", "requests/job", "lag mean", "lag worst"];
const row = (m: RunMetrics, boundMs: number) => [
  m.outcome === "succeeded" ? m.label : `${m.label} (${m.outcome})`,
  clock(m.wallSimMs),
  (m.wallSimMs / boundMs).toFixed(2),
  (m.requests.total / m.jobs).toFixed(1),
  `${(mean(m.lagsSimMs) / 1000).toFixed(1)}s`,
  `${(max(m.lagsSimMs) / 1000).toFixed(1)}s`,
];
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
say();
say(table(header, [c4a, c4b, c5a, c5b, walk].map((m) => row(m, bound.ms))));
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
  header,
  [[v4a, v4a.bound.ms], [v4b, v4b.bound.ms], [walkVaried, walkVaried.bound.ms]]
    .map(([m, b]) => row(m as RunMetrics, b as number)),
));
say();

// ---- 3: scale ---------------------------------------------------------------------------------

const SCALE_SOURCES = 1000;
progress(
  `scale: ${SCALE_SOURCES} sources through the CLI, headless twice, then the dashboard (~90 s)`,
);
const stateDir = await Deno.makeTempDir({ prefix: "tamr-refresh-bench-" });
let scale: ScaleRun[];
try {
  const common = { sources: SCALE_SOURCES, jobMs: 100, updateMs: 5000 };
  const state = `${stateDir}/journal.json`;
  const cold = await runScale({
    ...common,
    label: "run 1, --poll-interval 100ms",
    pollInterval: "100ms",
    stateFile: state,
  });
  const warm = await runScale({
    ...common,
    label: "run 2, history, default --poll-interval 30s",
    pollInterval: "30s",
    stateFile: state,
  });
  const drawn = await runScale({
    ...common,
    label: "run 3, the dashboard in a 100×40 terminal, --poll-interval 100ms",
    pollInterval: "100ms",
    stateFile: `${stateDir}/dashboard.json`,
    terminal: { columns: 100, rows: 40 },
  });
  scale = [cold, warm, drawn];
} finally {
  await Deno.remove(stateDir, { recursive: true });
}
progress("dashboard: rendering 1,000 steps (~12 s)");
const dashboard = await measureDashboardAlone(SCALE_SOURCES);

say(
  `Scale: ${SCALE_SOURCES} sources of 100 ms jobs, then a 5 s data product update; concurrency 5;`,
);
say(
  `the CLI as a subprocess (headless, then with its dashboard in a pseudo-terminal), measured from`,
);
say(`outside through /proc.`);
say();
say(table(
  [
    "run",
    "wall",
    "peak RSS",
    "RSS at 25/50/75/100% of sources",
    "CPU/job",
    "CPU waiting",
    "requests/job",
    "journal written",
  ],
  scale.map((r) => [
    r.exitCode === 0 ? r.label : `${r.label} (exit ${r.exitCode})`,
    clock(r.wallMs),
    `${r.peakRssMb.toFixed(0)} MB`,
    r.rssAtQuartersMb.map((x) => x.toFixed(0)).join(" / ") + " MB",
    `${r.cpuMsPerJob.toFixed(2)} ms`,
    `${r.waitingCpuPct.toFixed(1)}%`,
    (r.requests.total / r.jobs).toFixed(2),
    `${(r.journalWrittenBytes / 1e6).toFixed(1)} MB (file ${
      (r.journalFinalBytes / 1e3).toFixed(0)
    } KB)`,
  ]),
));
say(
  `CPU/job: the process's CPU time until every source was done, divided by the sources. CPU waiting:`,
);
say(`its CPU share while only the update ran. Journal written: bytes written other than stdout.`);
say();
say(
  `Dashboard with ${dashboard.steps} steps in a 100×40 terminal (rows folded to ${dashboard.lines} lines): first frame ${
    dashboard.firstMs.toFixed(0)
  } ms, then ${dashboard.frameMs.toFixed(1)} ms a frame;`,
);
say(
  `  folding an event into the view ${
    dashboard.reduceUsPerEvent.toFixed(1)
  } µs; CPU while waiting ${dashboard.liveIdleCpuPct.toFixed(1)}% (live app, spinners turning), ${
    (dashboard.liveBytesPerSecond / 1000).toFixed(1)
  } KB/s to the terminal.`,
);
say();

// ---- 4: start-up --------------------------------------------------------------------------------

progress("start-up: --help, --version, a headless run's first request (~15 s)");
const startup = await measureStartup();
const helpRatio = startup.helpMs / startup.emptyMs;
const loadsInteractive = (pkgs: string[]) => pkgs.filter((p) => INTERACTIVE_ONLY.includes(p));
say(`Start-up (median of 9 runs): deno run of an empty script ${startup.emptyMs.toFixed(0)} ms;`);
say(
  `  --help ${startup.helpMs.toFixed(0)} ms (${helpRatio.toFixed(2)}×), --version ${
    startup.versionMs.toFixed(0)
  } ms; a headless run's first request reaches the tenant ${
    startup.firstRequestMs.toFixed(0)
  } ms after spawn.`,
);
say(
  `  A script importing only one of these: ${
    Object.entries(startup.importMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")
  }.`,
);
say(
  `  npm packages loaded by --help: ${startup.helpPackages.join(", ") || "none"}; ` +
    `by a headless run before its first request: ${startup.runPackages.join(", ") || "none"}.`,
);
say();

// ---- targets and the last line ------------------------------------------------------------------

const perJob = (m: RunMetrics) => m.requests.total / m.jobs;
const loadsOnHelp = loadsInteractive(startup.helpPackages);
const loadsOnRun = loadsInteractive(startup.runPackages);
const benchSeconds = (performance.now() - began) / 1000;
say("Targets:");
for (
  const line of [
    verdict("run 2, concurrency 5: wall / bound", c5b.wallSimMs / bound.ms, 1.03, "", {
      digits: 3,
      orEqual: true,
    }),
    verdict("run 2, defaults (concurrency 4): wall / bound", c4b.wallSimMs / bound.ms, 1.03, "", {
      digits: 3,
      orEqual: true,
    }) + ` (its own floor is ${(bound4.ms / bound.ms).toFixed(3)})`,
    verdict(
      "run 2, concurrency 5: requests/job vs fixed 30 s polling",
      perJob(c5b),
      perJob(walk),
      "",
      {
        digits: 2,
        orEqual: true,
      },
    ),
    verdict("run 2, defaults: requests/job vs fixed 30 s polling", perJob(c4b), perJob(walk), "", {
      digits: 2,
      orEqual: true,
    }),
    verdict(
      `peak RSS, ${SCALE_SOURCES} sources, headless`,
      max(scale.slice(0, 2).map((r) => r.peakRssMb)),
      150,
      " MB",
      { digits: 0 },
    ),
    verdict(`peak RSS, ${SCALE_SOURCES} sources, dashboard`, scale[2]!.peakRssMb, 150, " MB", {
      digits: 0,
    }),
    verdict(
      "CPU while waiting, headless, default poll interval",
      scale[1]!.waitingCpuPct,
      5,
      "%",
    ),
    verdict("CPU while waiting, headless, polling every 100 ms", scale[0]!.waitingCpuPct, 5, "%"),
    verdict("CPU while waiting, dashboard", dashboard.liveIdleCpuPct, 5, "%"),
    verdict("--help time / empty script", helpRatio, 1.5, "×", { digits: 2 }),
    `${loadsOnHelp.length === 0 ? "✓" : "✗"} --help loads no Ink, React or prompts${
      loadsOnHelp.length ? ` (loads ${loadsOnHelp.join(", ")})` : ""
    }`,
    `${loadsOnRun.length === 0 ? "✓" : "✗"} a headless run loads no Ink, React or prompts${
      loadsOnRun.length ? ` (loads ${loadsOnRun.join(", ")})` : ""
    }`,
    `  this benchmark took ${benchSeconds.toFixed(0)} s.`,
  ]
) say(`  ${line}`);
say();
say(
  `The last line is tamr-refresh with its default settings on its first run (no history), the`,
);
say(`walkthrough, and that run's requests per job and mean lag (simulated seconds):`);
say(finalLine({
  oursOverBound: c4a.wallSimMs / bound.ms,
  walkthroughOverBound: walk.wallSimMs / bound.ms,
  requestsPerJob: perJob(c4a),
  lagMeanSeconds: mean(c4a.lagsSimMs) / 1000,
}));

/** Runs the dashboard measurement in its own process, away from the simulated tenants. */
async function measureDashboardAlone(sources: number): Promise<RenderResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      new URL("./dashboard_render.ts", import.meta.url).pathname,
      String(sources),
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`The dashboard measurement failed (exit ${out.code})`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as RenderResult;
}
