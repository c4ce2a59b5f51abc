/**
 * The dashboard at scale: the Dashboard component rendered with ink-testing-library for a run of
 * many sources (rows folded to fit a terminal), timing a frame and measuring the CPU it costs
 * while the run only waits (spinners turning, the clock ticking once a second).
 */
// First, as in the CLI: React's production build (see tui/_react_production.ts).
import "../tui/_react_production.ts";
import { EventEmitter } from "node:events";
import { createElement } from "react";
import { render } from "ink-testing-library";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { Dashboard } from "../tui/dashboard.tsx";
import { runDashboard } from "../tui/dashboard_app.tsx";
import { sampleProcess } from "./_proc.ts";

export interface RenderResult {
  steps: number;
  /** Milliseconds per frame (a re-render with the clock moved on), median of several. */
  frameMs: number;
  /** The first render, layout and all. */
  firstMs: number;
  /** Lines in the frame: folded to fit the terminal. */
  lines: number;
  /** CPU while mounted and only waiting, as a share of one core (spinners animate on timers). */
  idleCpuPct: number;
  /** The same with the live dashboard (its throttle and clock tick) on a terminal of 100×40. */
  liveIdleCpuPct: number;
  /** Bytes the live dashboard wrote to the terminal per second while waiting. */
  liveBytesPerSecond: number;
  /** Folding the run's events into the view state, per event. */
  reduceUsPerEvent: number;
}

/** A view state mid-run: `done` sources succeeded, `running` running, the rest waiting. */
export function midRunState(sources: number, done: number, running: number): {
  state: RunState;
  events: RunEvent[];
} {
  const plan = buildPlan({
    sources: Array.from({ length: sources }, (_, i) => `src_${String(i + 1).padStart(4, "0")}`),
    dataProduct: "dp_scale",
    workflow: "wf_scale",
    destinations: ["dest_1"],
  });
  const t0 = Date.parse("2026-01-01T09:00:00Z");
  const time = (s: number) => new Date(t0 + s * 1000).toISOString();
  const events: RunEvent[] = [{
    type: "start",
    time: time(0),
    version: 1,
    tenant: "bench",
    baseUrl: "http://127.0.0.1:1",
    dataProduct: plan.dataProduct,
    concurrency: 5,
    steps: plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
    })),
  }];
  const loads = plan.steps.filter((s) => s.kind === "load");
  loads.slice(0, done + running).forEach((s, i) => {
    const base = { type: "step", step: s.id, kind: s.kind, target: s.target } as const;
    const jobId = `job_${String(i).padStart(16, "0")}`;
    events.push({ ...base, time: time(i), state: "creating" });
    events.push({ ...base, time: time(i), state: "running", jobId, jobState: "RUNNING" });
    if (i < done) {
      events.push({ ...base, time: time(i + 2), state: "succeeded", jobId, jobState: "DONE" });
    }
  });
  return { state: foldEvents(events), events };
}

/** Renders the dashboard for `sources` steps in a 100×40 terminal and times it. */
export async function measureDashboard(sources = 1000, idleMs = 2000): Promise<RenderResult> {
  const { state, events } = midRunState(sources, Math.floor(sources * 0.6), 5);

  const reduceStart = performance.now();
  foldEvents(events);
  const reduceUsPerEvent = (performance.now() - reduceStart) * 1000 / events.length;

  const now0 = Date.parse("2026-01-01T10:00:00Z");
  const element = (now: number) => createElement(Dashboard, { state, now, rows: 40, columns: 100 });
  let t = performance.now();
  const r = render(element(now0));
  const firstMs = performance.now() - t;
  const times: number[] = [];
  for (let i = 1; i <= 15; i++) {
    t = performance.now();
    r.rerender(element(now0 + i * 1000));
    times.push(performance.now() - t);
  }
  const lines = (r.lastFrame() ?? "").split("\n").length;

  // Idle: nothing changes but the spinners (their own timers) and a tick a second.
  const before = await sampleProcess("self");
  const tick = setInterval(() => r.rerender(element(Date.now())), 1000);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  clearInterval(tick);
  const after = await sampleProcess("self");
  r.unmount();
  r.cleanup();
  const idleCpuPct = ((after.cpuMs ?? 0) - (before.cpuMs ?? 0)) / (after.at - before.at) * 100;

  const live = await measureLive(events, idleMs);
  times.sort((a, b) => a - b);
  return {
    liveIdleCpuPct: live.cpuPct,
    liveBytesPerSecond: live.bytesPerSecond,
    steps: state.steps.length,
    frameMs: times[Math.floor(times.length / 2)]!,
    firstMs,
    lines,
    idleCpuPct,
    reduceUsPerEvent,
  };
}

/** A terminal of 100×40 that keeps nothing but a count of bytes. */
class CountingTerminal extends EventEmitter {
  columns = 100;
  rows = 40;
  isTTY = true;
  bytes = 0;
  write(chunk: unknown, ...rest: unknown[]): boolean {
    this.bytes += String(chunk).length;
    const done = rest.find((x) => typeof x === "function") as (() => void) | undefined;
    done?.();
    return true;
  }
}

class QuietKeyboard extends EventEmitter {
  isTTY = false;
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): null {
    return null;
  }
}

/** The live dashboard fed a mid-run state, then left waiting: its CPU and output per second. */
async function measureLive(events: RunEvent[], idleMs: number) {
  const bus = createRunStore();
  const stdout = new CountingTerminal();
  const done = runDashboard({
    store: bus,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new QuietKeyboard() as unknown as NodeJS.ReadStream,
    onQuit: () => {},
    onDetach: () => {},
  });
  for (const e of events) bus.emit(e);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await sampleProcess("self");
  const bytesBefore = stdout.bytes;
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const after = await sampleProcess("self");
  const seconds = (after.at - before.at) / 1000;
  const bytesPerSecond = (stdout.bytes - bytesBefore) / seconds;
  bus.emit({
    type: "finish",
    time: new Date().toISOString(),
    outcome: "interrupted",
    exitCode: 130,
    steps: [],
  });
  await done;
  return {
    cpuPct: ((after.cpuMs ?? 0) - (before.cpuMs ?? 0)) / (after.at - before.at) * 100,
    bytesPerSecond,
  };
}

if (import.meta.main) {
  // Run alone by the benchmark, so Ink's exit hooks and CPU stay out of the benchmark's process.
  const sources = Number(Deno.args[0] ?? 1000);
  const result = await measureDashboard(sources, 4000);
  await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(result) + "\n"));
}
