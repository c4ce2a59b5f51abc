/**
 * Earlier runs' jobs left on the tenant (the scenario's `pastRuns`): what a real tenant's job list
 * holds before tamr-refresh ever ran there, for learning durations on a first run.
 *
 * Each past run did the steps named in the scenario's `durations` (not `default`): every source at
 * its start, the data product once the last source was done, the index and the publishes after it.
 * Its jobs went PENDING (`pendingMs`) → RUNNING (their duration, with the scenario's jitter) → DONE
 * without error. Runs are a day apart (more when a run takes longer), the newest ending before the
 * tenant's now. Their jitter comes from a PRNG of their own, so adding past runs does not change the
 * durations of the jobs the run itself creates.
 */
import type { JobConfiguration } from "../kit/api/types.ts";
import type { JobRecord } from "./_job_record.ts";
import { mulberry32 } from "./_prng.ts";

/** What the past runs are made from: the scenario's numbers, already in the tenant's real ms. */
export interface PastRunsInput {
  runs: number;
  /** Step id → how long its job runs (real ms, before jitter); `default` is ignored. */
  durations: Record<string, number>;
  pendingMs: number;
  jitter: number;
  seed: number;
  /** The tenant's time now. */
  now: number;
  newJobId: () => string;
}

const DAY_MS = 24 * 3_600_000;
/** The phases of a run, each starting when the one before has ended. */
const PHASES = [["load"], ["update"], ["index", "publish"]] as const;

/** The past runs' jobs, oldest first, numbered from 1 (`seq`). */
export function pastRunJobs(input: PastRunsInput): JobRecord[] {
  const steps = Object.keys(input.durations).filter((id) => id !== "default");
  const dataProduct = steps.find((id) => id.startsWith("update:"))?.slice("update:".length);
  const configs = steps.flatMap((id) => {
    const configuration = configurationOf(id, dataProduct);
    return configuration ? [{ id, configuration }] : [];
  });
  if (input.runs <= 0 || configs.length === 0) return [];
  const random = mulberry32(input.seed ^ 0x5eed_0a57);
  const drawn = Array.from({ length: input.runs }, () =>
    configs.map(({ id }) => {
      const base = input.durations[id]!;
      const factor = input.jitter === 0 ? 1 : 1 + input.jitter * (2 * random() - 1);
      return Math.max(0, base * factor);
    }));
  const longest = Math.max(...drawn.map((ds) => ds.reduce((a, b) => a + b, 0)));
  const spacing = Math.max(DAY_MS, 2 * (longest + configs.length * input.pendingMs));
  const out: JobRecord[] = [];
  for (let run = input.runs; run >= 1; run--) {
    let at = input.now - run * spacing;
    const durations = drawn[input.runs - run]!;
    for (const kinds of PHASES) {
      let phaseEnd = at;
      configs.forEach(({ id, configuration }, i) => {
        if (!(kinds as readonly string[]).includes(id.slice(0, id.indexOf(":")))) return;
        const runAt = at + input.pendingMs;
        const endAt = runAt + durations[i]!;
        out.push({
          jobId: input.newJobId(),
          configuration,
          stepId: id,
          seq: out.length + 1,
          createdAt: at,
          runAt,
          endAt,
          stoppingMs: 0,
          failure: null,
        });
        phaseEnd = Math.max(phaseEnd, endAt);
      });
      at = phaseEnd;
    }
  }
  return out;
}

/** The configuration a step id stands for; a publish needs the data product. */
function configurationOf(id: string, dataProduct: string | undefined): JobConfiguration | null {
  const colon = id.indexOf(":");
  const kind = id.slice(0, colon);
  const target = id.slice(colon + 1);
  if (kind === "load") return { load: { sourceId: target } };
  if (kind === "update") return { update: { dataProductId: target } };
  if (kind === "index") return { update: { workflowId: target } };
  if (kind === "publish" && dataProduct !== undefined) {
    return { publish: { destinationId: target, dataProductId: dataProduct } };
  }
  return null;
}
