/**
 * The `run` command itself (settings, journal, history, reporters) against the in-process
 * simulated tenant on virtual time, with its files in memory: several runs of one plan in no real
 * time, each the way a user starts it (`--output json`, headless).
 */
import { runCommand, type RunCommandFlags } from "../lib/app/commands/run.ts";
import type { Io } from "../lib/app/io.ts";
import type { FinishEvent, RunEvent } from "../lib/kit/run/events.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import { createInProcessTenant, type InProcessTenant } from "../lib/sim/in_process.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { SECRET_KEY } from "./_cli.ts";
import { fakeIo } from "./_io.ts";
import { MINUTE } from "./_pipeline.ts";

/** The plan's flags: three sources, a data product, an index and two publishes. */
export const PLAN_FLAGS: RunCommandFlags = {
  source: ["s1,s2,s3"],
  dataProduct: "dp",
  workflow: "wf",
  destination: ["d1,d2"],
};

/** How long each job of PLAN_FLAGS' plan takes on the tenant (three sources, an index, two publishes). */
export const DURATIONS = {
  "load:s1": 3 * MINUTE,
  "load:s2": 2 * MINUTE,
  "load:s3": 6 * MINUTE,
  "update:dp": 20 * MINUTE,
  "index:wf": 4 * MINUTE,
  "publish:d1": 3 * MINUTE,
  "publish:d2": 2 * MINUTE,
};

/** One tenant and one folder of files, for several runs of a plan. */
export interface AppOnSim {
  sim: InProcessTenant;
  clock: VirtualClock;
  files: Map<string, string>;
  /**
   * Runs `tamr-refresh run --output json --headless --state j.json` with `flags`; `during` may
   * wait for a state (`clock.until`) and interrupt the run through `abort`.
   */
  run(
    flags?: RunCommandFlags,
    o?: {
      io?: Partial<Io>;
      during?: (events: RunEvent[], abort: (reason: unknown) => void) => Promise<void>;
    },
  ): Promise<{ code: number; events: RunEvent[]; err: string }>;
  /**
   * Runs with `flags` and interrupts it (SIGINT) once the data product update runs, `afterMs`
   * later; then lets `thenMs` pass (the jobs left running go on), ready for a `--resume`.
   */
  interruptedWhileDpRuns(
    flags?: RunCommandFlags,
    o?: { afterMs?: number; thenMs?: number },
  ): Promise<{ code: number; events: RunEvent[]; err: string }>;
  close(): Promise<void>;
}

/** The `finish` event of a run's events. */
export const finishOf = (events: RunEvent[]): FinishEvent =>
  events.find((e) => e.type === "finish") as FinishEvent;

/** True once the data product update (`update:dp`) is running. */
export const dpRunning = (events: RunEvent[]): boolean =>
  events.some((e) => e.type === "step" && e.step === "update:dp" && e.state === "running");

/** A simulated tenant with `scenario`, on a virtual clock, and an empty folder of files. */
export function appOnSim(scenario: Scenario): AppOnSim {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: SECRET_KEY, clock });
  const files = new Map<string, string>();
  return {
    sim,
    clock,
    files,
    async run(flags = {}, o = {}) {
      let out = "";
      let err = "";
      const events: RunEvent[] = [];
      const controller = new AbortController();
      const io = fakeIo(files, {
        env: { TAMR_API_KEY: SECRET_KEY },
        out: (t) => {
          out += t;
          for (const line of out.split("\n").slice(0, -1)) events.push(JSON.parse(line));
          out = out.slice(out.lastIndexOf("\n") + 1);
        },
        err: (t) => void (err += t),
        fetch: sim.fetch,
        createFetch: sim.fetch,
        clock,
        signal: controller.signal,
        ...o.io,
      });
      const code = await clock.run(async () => {
        const running = runCommand({
          baseUrl: sim.baseUrl,
          ...PLAN_FLAGS,
          output: "json",
          headless: true,
          state: "j.json",
          ...flags,
        }, io);
        await o.during?.(events, (reason) => controller.abort(reason));
        return await running;
      });
      return { code, events, err };
    },
    async interruptedWhileDpRuns(flags = {}, { afterMs = 0, thenMs = 0 } = {}) {
      const result = await this.run(flags, {
        during: async (events, abort) => {
          await clock.until(() => dpRunning(events), "the data product running");
          if (afterMs > 0) await clock.sleep(afterMs);
          abort(new InterruptedError("SIGINT"));
        },
      });
      if (thenMs > 0) await clock.run(() => clock.sleep(thenMs));
      return result;
    },
    close: () => sim.close(),
  };
}
