/**
 * What one scale run measured, from the /proc samples, `/usr/bin/time`'s totals and the tenant:
 * peak memory, memory as the sources finish, CPU per job and while only waiting, journal bytes.
 */
import type { Job } from "../lib/kit/api/types.ts";
import type { SimTenant } from "../lib/sim/server.ts";
import type { ScaleCommand } from "./_scale_command.ts";
import type { Watched } from "./_scale_child.ts";
import type { ScaleOptions, ScaleRun } from "./scale.ts";
import { countRequests } from "./strategies.ts";

/** The run's numbers, once the child has exited. */
export async function measureRun(
  o: ScaleOptions,
  sim: SimTenant,
  cli: ScaleCommand,
  w: Watched,
): Promise<ScaleRun> {
  const { began, wallMs, sampler } = w;
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
  let cpuMs = Math.max(w.lastCpu, last?.cpuMs ?? 0);
  if (cli.useTime) {
    const [maxRss, user, sys] = (await Deno.readTextFile(cli.timeFile)).trim().split(/\s+/)
      .slice(-3).map(Number);
    if (Number.isFinite(maxRss)) peakKb = Math.max(peakKb, maxRss!);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
  }
  const wchar = Math.max(w.lastWchar, last?.wchar ?? 0);
  const requests = countRequests(sim.requests);
  const quarter = (k: number) => {
    const s = sampler.at(began + (beginUpdate - began) * k / 4) ?? last;
    return (s?.rssKb ?? NaN) / 1024;
  };
  return {
    label: o.label,
    exitCode: w.exitCode,
    rssAtQuartersMb: [quarter(1), quarter(2), quarter(3), quarter(4)],
    wallMs,
    sourcesMs: beginUpdate - began,
    peakRssMb: peakKb / 1024,
    cpuMs,
    cpuMsPerJob: (atUpdate?.cpuMs ?? cpuMs) / o.sources,
    waitingCpuPct: waiting.pct,
    waitingWindowMs: waiting.ms,
    journalWrittenBytes: Math.max(0, wchar - w.stdoutBytes - w.stderrBytes),
    journalFinalBytes: (await Deno.stat(o.stateFile)).size,
    requests,
    jobs: sim.creates().length,
  };
}

/** When the data product update began running on the tenant (ms since the epoch), if it did. */
function updateStartedAt(jobs: Job[]): number | null {
  const update = jobs.find((j) => "update" in j.configuration);
  const running = update?.statusHistory?.find((h) => h.state === "RUNNING")?.stateStartTime;
  return running === undefined ? null : Date.parse(running);
}
