/**
 * Run records for the report's tests, made from real runs of the pipeline on the simulated tenant
 * (virtual time: instant and deterministic), as the history keeps them.
 */
import type { RunEvent } from "../lib/kit/run/events.ts";
import { runIdFor, type RunRecord } from "../lib/app/history/record.ts";
import { STANDARD_PLAN, standardScenario } from "../bench/standard.ts";
import { runOnSim } from "./_pipeline.ts";

/** A time moved by `ms`, or null. */
const moved = (t: string | null, ms: number) =>
  t === null ? null : new Date(Date.parse(t) + ms).toISOString();

/**
 * The history record of a run from its events, its times moved by `shiftMs` (every run on the
 * virtual clock starts at the same instant; a history needs them apart).
 */
export function recordOf(events: readonly RunEvent[], shiftMs = 0): RunRecord {
  const start = events[0];
  const finish = events.at(-1);
  if (start?.type !== "start" || finish?.type !== "finish") {
    throw new Error("the events do not run from start to finish");
  }
  const startedAt = Date.parse(start.time) + shiftMs;
  const finishedAt = Date.parse(finish.time) + shiftMs;
  return {
    version: 1,
    runId: runIdFor(startedAt),
    tenant: start.tenant,
    baseUrl: start.baseUrl,
    dataProduct: start.dataProduct,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    outcome: finish.outcome,
    durationMs: finishedAt - startedAt,
    concurrency: start.concurrency,
    timeline: (finish.timeline ?? []).map((t) => ({
      ...t,
      createdAt: moved(t.createdAt, shiftMs),
      runningAt: moved(t.runningAt, shiftMs),
      endedAt: moved(t.endedAt, shiftMs),
    })),
  };
}

/**
 * A week of nightly runs on tenant acme of the benchmark's standard plan (8 sources, a data product, an index and
 * two publishes; durations varying ±10% from night to night, 20 s PENDING each), oldest first. The
 * last night, `publish:dest_2` fails with PLANNING_FAILED when `failLast` is set.
 */
export async function standardNights(
  nights = 7,
  options: { failLast?: boolean } = {},
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (let night = 0; night < nights; night++) {
    const scenario = standardScenario({ timeScale: 1, jitter: 0.1, seed: 11 + night });
    scenario.pendingMs = 20_000;
    if (options.failLast && night === nights - 1) {
      scenario.failures = {
        "publish:dest_2": {
          reason: "PLANNING_FAILED",
          message: "Destination dest_2: the target table is locked by another export.",
        },
      };
    }
    const { events } = await runOnSim(scenario, { plan: STANDARD_PLAN });
    // Each night at 02:00 UTC, from 2026-03-01 on.
    const shift = Date.UTC(2026, 2, 1 + night, 2) - Date.parse(events[0]!.time);
    // As the history of a real tenant's plan would show it.
    records.push({
      ...recordOf(events, shift),
      tenant: "acme",
      baseUrl: "https://acme.tamr.cloud",
    });
  }
  return records;
}
