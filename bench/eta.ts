/**
 * How right the expected end is: the standard scenario with durations varied by up to ±10% from
 * run to run (seeded), run twice in-process on virtual time, the second run with the first's
 * durations as its expectations. The second run's events are replayed into a run store up to 10%
 * of its actual duration, and `runEta()` at that moment is compared with the run's actual end.
 *
 * `deno run -A bench/eta.ts [seeds]` prints one line per seed, then
 * `eta: at 10% of the second run the ETA was off by X.X% (Y s)` for seed 1 and the spread over
 * the seeds. `measureEta()` is the same for another bench file.
 */
import { createJobClient } from "../lib/kit/api/client.ts";
import { type DurationStats, durationStats } from "../lib/kit/history/duration_stats.ts";
import { TenantClock } from "../lib/kit/job/tenant_clock.ts";
import { runEta } from "../lib/kit/run/eta.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import { createRunStore } from "../lib/kit/run/run_store.ts";
import { createInProcessTenant } from "../lib/sim/in_process.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { SLOTS, STANDARD_PLAN, standardScenario } from "./standard.ts";
import { say } from "./_say.ts";

/** How far the ETA 10% into a second run was from its actual end. Times are simulated ms. */
export interface EtaMeasure {
  seed: number;
  /** The second run's duration, start to finish. */
  runMs: number;
  /** The ETA's end minus the actual end (positive: the ETA said later). */
  offMs: number;
  /** `|offMs|` in % of the run's duration. */
  offPct: number;
  /** True when the ETA was a lower bound (some step had no expectation): not expected here. */
  lowerBound: boolean;
}

/** Where the share of the run at which the ETA is read. */
export const AT_SHARE = 0.1;

/** One run on its own simulated tenant, on virtual time; its events. */
async function runOnce(
  seed: number,
  expected: ReadonlyMap<string, DurationStats> | undefined,
): Promise<RunEvent[]> {
  const clock = new VirtualClock();
  const apiKey = "bench-key";
  const scenario = standardScenario({ jitter: 0.1, seed, timeScale: 1 });
  const sim = createInProcessTenant({ scenario, apiKey, clock });
  const tenantClock = new TenantClock(clock.now);
  const fetch = tenantClock.watch(sim.fetch);
  const events: RunEvent[] = [];
  try {
    const client = createJobClient({
      baseUrl: sim.baseUrl,
      apiKey,
      fetch,
      createFetch: fetch,
      clock,
    });
    await clock.run(() =>
      runPipeline({
        client,
        plan: buildPlan(STANDARD_PLAN),
        tenant: "bench",
        baseUrl: sim.baseUrl,
        emit: (e) => events.push(e),
        clock,
        tenantClock,
        attach: true,
        ...(expected ? { expected } : {}),
      })
    );
    return events;
  } finally {
    await sim.close();
  }
}

/** Each step's durations on Tamr in a run (creation to DONE, by its statusHistory). */
function durationsOf(events: readonly RunEvent[]): Map<string, DurationStats> {
  const out = new Map<string, DurationStats>();
  for (const e of events) {
    if (e.type !== "step" || e.jobDurationMs === undefined) continue;
    const stats = durationStats([e.jobDurationMs]);
    if (stats) out.set(e.step, stats);
  }
  return out;
}

/**
 * Runs the scenario twice (seeds `seed` and `seed + 1`: other durations the second time) and
 * measures the second run's ETA at 10% of its duration.
 */
export async function measureEta(seed = 1): Promise<EtaMeasure> {
  const first = await runOnce(seed, undefined);
  const second = await runOnce(seed + 1, durationsOf(first));
  const start = Date.parse(second[0]!.time);
  const end = Date.parse(second.at(-1)!.time);
  const runMs = end - start;
  const at = start + AT_SHARE * runMs;
  const store = createRunStore();
  for (const e of second) {
    if (Date.parse(e.time) > at) break;
    store.emit(e);
  }
  const eta = runEta(store.state, at, { jobLimit: SLOTS });
  if (eta.endsAt === null) throw new Error(`The ETA was unknown 10% into the run (seed ${seed}).`);
  const offMs = eta.endsAt - end;
  return {
    seed,
    runMs,
    offMs,
    offPct: (100 * Math.abs(offMs)) / runMs,
    lowerBound: eta.lowerBound,
  };
}

/** `eta: at 10% of the second run the ETA was off by X.X% (Y s)`. */
export function etaLine(m: EtaMeasure): string {
  return `eta: at 10% of the second run the ETA was off by ${m.offPct.toFixed(1)}% (${
    Math.round(Math.abs(m.offMs) / 1000)
  } s)`;
}

if (import.meta.main) {
  const seeds = Number(Deno.args[0] ?? 10);
  const all: EtaMeasure[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const m = await measureEta(seed);
    all.push(m);
    say(
      `seed ${seed}: run ${(m.runMs / 60_000).toFixed(1)} min, ETA ${
        m.offMs >= 0 ? "late" : "early"
      } by ${(Math.abs(m.offMs) / 1000).toFixed(0)} s (${m.offPct.toFixed(1)}%)${
        m.lowerBound ? " (a lower bound)" : ""
      }`,
    );
  }
  const pcts = all.map((m) => m.offPct);
  const mean = pcts.reduce((a, b) => a + b, 0) / pcts.length;
  say(
    `over ${all.length} seeds: mean ${mean.toFixed(1)}%, worst ${Math.max(...pcts).toFixed(1)}%, ` +
      `within 5% in ${pcts.filter((p) => p <= 5).length} of ${all.length}`,
  );
  say(etaLine(all[0]!));
}
