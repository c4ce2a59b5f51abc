import { buildPlan } from "../../kit/run/plan.ts";
import { startSimTenant } from "../../sim/server.ts";
import {
  DEMO_DATA_PRODUCT,
  DEMO_DESTINATIONS,
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
}

/** `tamr-refresh demo`: the sample pipeline against the built-in simulated tenant. */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<number> {
  const output = parseOutput(flags.output);
  const concurrency = parseConcurrency(flags.concurrency);
  const sim = await startSimTenant({ scenario: demoScenario({ fail: flags.fail === true }) });
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
      pollIntervalMs: 2_000,
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
        { interactive, output, resumable: false },
      );
    } finally {
      await Deno.remove(stateDir, { recursive: true });
    }
  } finally {
    await sim.close();
  }
}
