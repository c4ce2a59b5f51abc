import { buildPlan } from "../../kit/run/plan.ts";
import { DEFAULT_FIRST_POLL_MS } from "../../kit/defaults.ts";
import { UsageError } from "../../kit/errors.ts";
import { startSimTenant } from "../../sim/server.ts";
import {
  DEMO_DATA_PRODUCT,
  DEMO_DESTINATIONS,
  DEMO_POLL_INTERVAL_MS,
  DEMO_SOURCES,
  DEMO_WORKFLOW,
  demoScenario,
} from "../../sim/demo_scenario.ts";
import { parseConcurrency, parseOutput, type RunSettings } from "../settings/config.ts";
import { type Io, isInteractive } from "../io.ts";
import { executePlan } from "./run.ts";

interface DemoFlags {
  headless?: boolean | undefined;
  fail?: boolean | undefined;
  output?: string | undefined;
  concurrency?: string | undefined;
  verbose?: boolean | undefined;
  speed?: string | undefined;
}

export const MAX_DEMO_SPEED = 1000;

/**
 * `--speed N`: about how many times faster than usual the demo runs, a number from 1 to 1000
 * (decimals allowed). At 1 (the default) the demo takes about 14 seconds; at 10 under 2: the
 * tenant's jobs and the demo's poll interval are N times shorter (the runner's first poll of each
 * job, 1 s at most, is not scaled).
 */
export function parseSpeed(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 1 || n > MAX_DEMO_SPEED) {
    throw new UsageError(
      `--speed must be a number from 1 to ${MAX_DEMO_SPEED}, got ${JSON.stringify(raw)}`,
      { hint: "For example --speed 10 runs the demo ten times faster." },
    );
  }
  return n;
}

/**
 * `tamr-refresh demo`: the sample pipeline against the built-in simulated tenant, in about 14
 * seconds; with `--speed N`, about N times faster (the tenant's jobs and the demo's polling).
 */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<number> {
  const output = parseOutput(flags.output);
  const concurrency = parseConcurrency(flags.concurrency);
  const speed = parseSpeed(flags.speed);
  const sim = await startSimTenant({
    scenario: demoScenario({ fail: flags.fail === true, speed }),
  });
  try {
    const run: RunSettings = {
      tenant: "demo",
      baseUrl: sim.baseUrl,
      apiKey: sim.apiKey,
      sources: [...DEMO_SOURCES],
      dataProduct: DEMO_DATA_PRODUCT,
      workflow: DEMO_WORKFLOW,
      destinations: [...DEMO_DESTINATIONS],
      concurrency,
      pollIntervalMs: DEMO_POLL_INTERVAL_MS / speed,
      timeoutMs: 120_000,
      requestTimeoutMs: 10_000,
      configFile: undefined,
    };
    const plan = buildPlan(run);
    const interactive = isInteractive(io, { headless: flags.headless, output });
    const stateDir = await Deno.makeTempDir({ prefix: "tamr-refresh-demo-" });
    try {
      return await executePlan(
        run,
        plan,
        { state: `${stateDir}/journal.json`, verbose: flags.verbose },
        io,
        { interactive, output, resumable: false, firstPollMs: DEFAULT_FIRST_POLL_MS / speed },
      );
    } finally {
      await Deno.remove(stateDir, { recursive: true });
    }
  } finally {
    await sim.close();
  }
}
