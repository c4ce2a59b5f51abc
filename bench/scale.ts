/**
 * Scale: the real CLI (`main.ts run --headless`, or `main.ts run` with its dashboard in a
 * pseudo-terminal) as a subprocess against a simulated tenant with many short source jobs, watched
 * from outside through /proc: peak memory, CPU time per job, CPU while it only waits, and the
 * bytes it writes to its journal.
 *
 * `deno run -A bench/scale.ts [--dashboard] [sources]` runs it once alone (1,000 sources).
 */
import { startSimTenant } from "../lib/sim/server.ts";
import { watchChild } from "./_scale_child.ts";
import { DATA_PRODUCT, scaleCommand } from "./_scale_command.ts";
import { measureRun } from "./_scale_measure.ts";
import type { RequestCounts } from "./strategies.ts";

export interface ScaleOptions {
  label: string;
  sources: number;
  /** How long each source job runs on the tenant (real ms). */
  jobMs: number;
  /** How long the data product update runs: the window in which the CLI only waits. */
  updateMs: number;
  /** `--poll-interval`. */
  pollInterval: string;
  /** `--state`: the journal (a second run with the same file has the first run's durations). */
  stateFile: string;
  concurrency?: number;
  /** More CLI arguments. */
  args?: string[];
  /**
   * Draw the dashboard in a pseudo-terminal of this size (through `script`) instead of running
   * `--headless`; the plan review is confirmed with Enter.
   */
  terminal?: { columns: number; rows: number };
}

export interface ScaleRun {
  label: string;
  exitCode: number;
  wallMs: number;
  /** From the start to the data product update being created: the sources' phase. */
  sourcesMs: number;
  peakRssMb: number;
  /** CPU time of the whole run. */
  cpuMs: number;
  /** CPU time until every source was done, per source job. */
  cpuMsPerJob: number;
  /** Resident memory when a quarter, half, three quarters and all of the sources were done. */
  rssAtQuartersMb: number[];
  /** CPU time while only the update was running, as a share of one core. */
  waitingCpuPct: number;
  waitingWindowMs: number;
  /** Bytes the process wrote other than its stdout and stderr: the journal's rewrites. */
  journalWrittenBytes: number;
  journalFinalBytes: number;
  requests: RequestCounts;
  jobs: number;
}

/** Runs the CLI once against a fresh simulated tenant and measures it. */
export async function runScale(o: ScaleOptions): Promise<ScaleRun> {
  const sim = await startSimTenant({
    scenario: {
      timeScale: 1,
      pendingMs: 0,
      stoppingMs: 0,
      jobLimit: 5,
      durations: { default: o.jobMs, [`update:${DATA_PRODUCT}`]: o.updateMs },
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-bench-" });
  try {
    const cli = await scaleCommand(o, sim, dir);
    const watched = await watchChild(cli.command, o.terminal !== undefined);
    return await measureRun(o, sim, cli, watched);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  // This part of `deno task bench` alone: `deno run -A bench/scale.ts [--dashboard] [sources]`.
  const terminal = Deno.args.includes("--dashboard") ? { columns: 100, rows: 40 } : undefined;
  const sources = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 1000);
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-bench-" });
  try {
    const r = await runScale({
      label: terminal ? "dashboard, 100×40" : "headless",
      sources,
      jobMs: 100,
      updateMs: 5000,
      pollInterval: "100ms",
      stateFile: `${dir}/journal.json`,
      ...(terminal ? { terminal } : {}),
    });
    const { requests: _, ...numbers } = r;
    Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(numbers) + "\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
