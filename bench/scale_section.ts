/**
 * The benchmark's section 3: 1,000 sources through the CLI as a subprocess (headless twice, the
 * second with the first's history, then with its dashboard in a pseudo-terminal), and the
 * dashboard's frames measured in a process of their own.
 */
import type { RenderResult } from "./dashboard_render.ts";
import { clock, table } from "./report.ts";
import { progress, say } from "./_say.ts";
import { runScale, type ScaleRun } from "./scale.ts";

export const SCALE_SOURCES = 1000;

/** The three runs of the CLI (headless cold, headless with history, dashboard), and the frames. */
export interface ScaleResults {
  scale: ScaleRun[];
  dashboard: RenderResult;
}

/** Runs the CLI three times at scale, then measures the dashboard alone (about 100 s). */
export async function runScaleSection(): Promise<ScaleResults> {
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
  return { scale, dashboard };
}

/** Prints the scale table and the dashboard's numbers. */
export function printScale({ scale, dashboard }: ScaleResults): void {
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
    scale.map(scaleRow),
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
}

function scaleRow(r: ScaleRun): string[] {
  return [
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
  ];
}

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
