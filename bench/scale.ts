/**
 * Scale: the real CLI (`main.ts run --headless`) as a subprocess against a simulated tenant with
 * many short source jobs, watched from outside through /proc: peak memory, CPU time per job,
 * CPU while it only waits, and the bytes it writes to its journal.
 */
import { startSimTenant } from "../lib/sim/server.ts";
import { sampleProcess, startSampler } from "./_proc.ts";
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
      o
        .stateFile,
      "--headless",
      ...(o.args ?? []),
    ];
    const command = useTime
      ? new Deno.Command("/usr/bin/time", {
        args: ["-f", "%M %U %S", "-o", timeFile, Deno.execPath(), ...cliArgs],
        ...spawnOptions(sim.apiKey),
      })
      : new Deno.Command(Deno.execPath(), { args: cliArgs, ...spawnOptions(sim.apiKey) });
    const began = Date.now();
    const child = command.spawn();
    const pid = useTime ? await childOf(child.pid) : child.pid;
    const sampler = startSampler(pid, 50);
    let updateAt: number | null = null;
    let stdoutBytes = 0;
    let stderrBytes = 0;
    const readOut = (async () => {
      let buffered = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        stdoutBytes += new TextEncoder().encode(chunk).length;
        if (updateAt !== null) continue;
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        if (lines.some((l) => l.includes(`update:${DATA_PRODUCT}`) && l.includes(" running"))) {
          updateAt = Date.now();
        }
      }
    })();
    const readErr = (async () => {
      for await (const chunk of child.stderr) stderrBytes += chunk.length;
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
    await sampler.stop();

    const samples = sampler.samples;
    const beginUpdate = updateAt ?? wallMs + began;
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

function spawnOptions(apiKey: string) {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    NO_COLOR: "1",
    CI: "true",
    TAMR_API_KEY: apiKey,
  };
  for (const k of ["DENO_DIR", "XDG_CACHE_HOME", "DENO_NO_UPDATE_CHECK"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  return {
    env,
    clearEnv: true,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  } as const;
}

/** The pid of the one child of `pid` (the deno process under /usr/bin/time). */
async function childOf(pid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const text = (await Deno.readTextFile(`/proc/${pid}/task/${pid}/children`)).trim();
      if (text) return Number(text.split(/\s+/)[0]);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Cannot find the deno process started by /usr/bin/time (pid ${pid})`);
}
