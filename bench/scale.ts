/**
 * Scale: the real CLI (`main.ts run --headless`, or `main.ts run` with its dashboard in a
 * pseudo-terminal) as a subprocess against a simulated tenant with many short source jobs, watched
 * from outside through /proc: peak memory, CPU time per job, CPU while it only waits, and the
 * bytes it writes to its journal.
 *
 * `deno run -A bench/scale.ts [--dashboard] [sources]` runs it once alone (1,000 sources).
 */
import { startSimTenant } from "../lib/sim/server.ts";
import { readOrNull, sampleProcess, startSampler } from "./_proc.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { countRequests, type RequestCounts } from "./strategies.ts";
import { fileExists } from "../lib/app/real_io.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const DATA_PRODUCT = "dp_scale";

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
  const sources = Array.from(
    { length: o.sources },
    (_, i) => `src_${String(i + 1).padStart(4, "0")}`,
  );
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
    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        tenant: "bench",
        baseUrl: sim.baseUrl,
        sources,
        dataProduct: DATA_PRODUCT,
        concurrency: o.concurrency ?? 5,
        pollInterval: o.pollInterval,
      }),
    );
    const timeFile = `${dir}/time.txt`;
    const useTime = await fileExists("/usr/bin/time");
    const cliArgs = [
      "run",
      "-A",
      "--quiet",
      MAIN,
      "run",
      "--config",
      config,
      "--state",
      o.stateFile,
      ...(o.terminal ? [] : ["--headless"]),
      ...(o.args ?? []),
    ];
    const timed = useTime
      ? ["/usr/bin/time", "-f", "%M %U %S", "-o", timeFile, Deno.execPath(), ...cliArgs]
      : [Deno.execPath(), ...cliArgs];
    const command = o.terminal
      ? new Deno.Command("script", {
        args: [
          "--quiet",
          "--flush",
          "--return",
          "--command",
          `stty cols ${o.terminal.columns} rows ${o.terminal.rows} && exec ${
            timed.map(shellQuote).join(" ")
          }`,
          "/dev/null",
        ],
        ...spawnOptions(sim.apiKey, { terminal: true }),
      })
      : new Deno.Command(timed[0]!, { args: timed.slice(1), ...spawnOptions(sim.apiKey) });
    const began = Date.now();
    const child = command.spawn();
    const pid = await descendantDeno(child.pid);
    const sampler = startSampler(pid, 50);
    let stdoutBytes = 0;
    let stderrBytes = 0;
    const keyboard = o.terminal ? child.stdin.getWriter() : null;
    const readOut = (async () => {
      // In a terminal: confirm the plan review once it is drawn.
      let review = o.terminal ? "" : null;
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        stdoutBytes += new TextEncoder().encode(chunk).length;
        if (review === null) continue;
        review = (review + chunk).slice(-4000);
        if (review.includes("Start the refresh with this plan?")) {
          review = null;
          await keyboard?.write(new TextEncoder().encode("\r"));
        }
      }
    })();
    const readErr = (async () => {
      for await (const chunk of child.stderr) {
        stderrBytes += chunk.length;
      }
    })();
    // The last reading before the process ends holds its totals.
    let lastWchar = 0;
    let lastCpu = 0;
    const tail = setInterval(async () => {
      const s = await sampleProcess(pid);
      if (s.wchar !== null) lastWchar = s.wchar;
      if (s.cpuMs !== null) lastCpu = s.cpuMs;
    }, 20);
    const status = await child.status;
    const wallMs = Date.now() - began;
    clearInterval(tail);
    await Promise.all([readOut, readErr]);
    await keyboard?.close();
    await sampler.stop();

    const samples = sampler.samples;
    const beginUpdate = updateStartedAt(sim.creates()) ?? wallMs + began;
    const windowFrom = sampler.at(beginUpdate + 500);
    const windowTo = [...samples].reverse().find((s) => s.at <= beginUpdate + o.updateMs - 300) ??
      null;
    const waiting = windowFrom && windowTo && windowTo.at > windowFrom.at
      ? {
        pct: ((windowTo.cpuMs ?? 0) - (windowFrom.cpuMs ?? 0)) / (windowTo.at - windowFrom.at) *
          100,
        ms: windowTo.at - windowFrom.at,
      }
      : { pct: NaN, ms: 0 };
    const atUpdate = sampler.at(beginUpdate);
    const last = sampler.last();
    let peakKb = Math.max(0, ...samples.map((s) => s.hwmKb ?? 0));
    let cpuMs = Math.max(lastCpu, last?.cpuMs ?? 0);
    if (useTime) {
      const [maxRss, user, sys] = (await Deno.readTextFile(timeFile)).trim().split(/\s+/).slice(-3)
        .map(Number);
      if (Number.isFinite(maxRss)) peakKb = Math.max(peakKb, maxRss!);
      if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
    }
    const wchar = Math.max(lastWchar, last?.wchar ?? 0);
    const requests = countRequests(sim.requests);
    const quarter = (k: number) => {
      const s = sampler.at(began + (beginUpdate - began) * k / 4) ?? last;
      return (s?.rssKb ?? NaN) / 1024;
    };
    return {
      label: o.label,
      exitCode: status.code,
      rssAtQuartersMb: [quarter(1), quarter(2), quarter(3), quarter(4)],
      wallMs,
      sourcesMs: beginUpdate - began,
      peakRssMb: peakKb / 1024,
      cpuMs,
      cpuMsPerJob: (atUpdate?.cpuMs ?? cpuMs) / o.sources,
      waitingCpuPct: waiting.pct,
      waitingWindowMs: waiting.ms,
      journalWrittenBytes: Math.max(0, wchar - stdoutBytes - stderrBytes),
      journalFinalBytes: (await Deno.stat(o.stateFile)).size,
      requests,
      jobs: sim.creates().length,
    };
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function spawnOptions(apiKey: string, o: { terminal?: boolean } = {}) {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    TAMR_API_KEY: apiKey,
    // Headless as in CI; in a terminal, as a user has it (colours on: what Ink draws then).
    ...(o.terminal ? { TERM: "xterm-256color", LANG: "C.UTF-8" } : { NO_COLOR: "1", CI: "true" }),
  };
  for (const k of ["DENO_DIR", "XDG_CACHE_HOME", "DENO_NO_UPDATE_CHECK"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  return {
    env,
    clearEnv: true,
    cwd: ROOT,
    stdin: o.terminal ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  } as const;
}

/** When the data product update began running on the tenant (ms since the epoch), if it did. */
function updateStartedAt(jobs: Job[]): number | null {
  const update = jobs.find((j) => "update" in j.configuration);
  const running = update?.statusHistory?.find((h) => h.state === "RUNNING")?.stateStartTime;
  return running === undefined ? null : Date.parse(running);
}

/** Quotes a word for `sh`. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The deno process started under `pid` (itself, or under /usr/bin/time, `script` and its shell). */
async function descendantDeno(pid: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const found = await findDeno(pid);
    if (found !== null) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Cannot find the deno process started under pid ${pid}`);
}

async function findDeno(pid: number): Promise<number | null> {
  const comm = await readOrNull(`/proc/${pid}/comm`);
  if (comm?.trim() === "deno") return pid;
  const children = (await readOrNull(`/proc/${pid}/task/${pid}/children`))?.trim();
  for (const child of children ? children.split(/\s+/).map(Number) : []) {
    const found = await findDeno(child);
    if (found !== null) return found;
  }
  return null;
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
