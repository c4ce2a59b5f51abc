/**
 * How right the expected end is, on the standard section's own second runs (durations varied
 * ±10% from run to run, the history of run 1 as expectations): each run's events are replayed into
 * a run store up to 10% of its actual duration, and `runEta()` at that moment is compared with the
 * run's actual end.
 *
 * `deno run -A bench/eta.ts [trials]` runs the trials alone and prints one line per trial, then
 * `eta: at 10% of the second run the ETA was off by X.X% on average (worst Y.Y%) over N trials`;
 * `deno task bench` prints the same line from its own trials.
 */
import { runEta } from "../lib/kit/run/eta.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { createRunStore } from "../lib/kit/run/run_store.ts";
import { max, mean } from "./report.ts";
import { say } from "./_say.ts";
import { SLOTS } from "./standard.ts";

/** How far the ETA at a share of a run was from its actual end. Times are simulated ms. */
export interface EtaMeasure {
  seed: number;
  /** The run's duration, start to finish. */
  runMs: number;
  /** The ETA's end minus the actual end (positive: the ETA said later). */
  offMs: number;
  /** `|offMs|` in % of the run's duration. */
  offPct: number;
  /** True when the ETA was a lower bound (some step had no expectation): not expected here. */
  lowerBound: boolean;
}

/** The share of the run at which the ETA is read. */
export const AT_SHARE = 0.1;

/**
 * The ETA of a finished run's events at `share` of its duration against its actual end (the
 * `finish` event): the events up to that moment are replayed into a run store, as the dashboard
 * would have them, and `runEta()` reads it with the tenant's limit of `jobLimit` jobs.
 */
export function etaOff(
  events: readonly RunEvent[],
  seed: number,
  share = AT_SHARE,
  jobLimit = SLOTS,
): EtaMeasure {
  const start = Date.parse(events[0]!.time);
  const finish = events.findLast((e) => e.type === "finish");
  if (!finish) throw new Error(`The run of seed ${seed} has no finish event.`);
  const end = Date.parse(finish.time);
  const runMs = end - start;
  const at = start + share * runMs;
  const store = createRunStore();
  for (const e of events) {
    if (Date.parse(e.time) > at) break;
    store.emit(e);
  }
  const eta = runEta(store.state, at, { jobLimit });
  if (eta.endsAt === null) {
    throw new Error(`The ETA was unknown at ${100 * share}% of the run (seed ${seed}).`);
  }
  const offMs = eta.endsAt - end;
  return {
    seed,
    runMs,
    offMs,
    offPct: (100 * Math.abs(offMs)) / runMs,
    lowerBound: eta.lowerBound,
  };
}

/** The ETA's error over runs: mean and worst |error| in % of each run. */
export interface EtaSummary {
  runs: EtaMeasure[];
  meanPct: number;
  worstPct: number;
  /** Runs whose ETA was within 5% of their end. */
  within5: number;
}

export function etaSummary(runs: EtaMeasure[]): EtaSummary {
  const pcts = runs.map((m) => m.offPct);
  return {
    runs,
    meanPct: mean(pcts),
    worstPct: max(pcts),
    within5: pcts.filter((p) => p <= 5).length,
  };
}

/** `eta: at 10% of the second run the ETA was off by X.X% on average (worst Y.Y%) over N trials` */
export function etaLine(s: EtaSummary): string {
  return `eta: at ${100 * AT_SHARE}% of the second run the ETA was off by ${
    s.meanPct.toFixed(1)
  }% on average (worst ${s.worstPct.toFixed(1)}%) over ${s.runs.length} trials`;
}

/** One run's ETA in words: `seed 1: run 35.2 min, ETA 41 s late (1.9%)`. */
export function etaWords(m: EtaMeasure): string {
  return `seed ${m.seed}: run ${(m.runMs / 60_000).toFixed(1)} min, ETA ${
    m.offMs >= 0 ? "late" : "early"
  } by ${(Math.abs(m.offMs) / 1000).toFixed(0)} s (${m.offPct.toFixed(1)}%)${
    m.lowerBound ? " (a lower bound)" : ""
  }`;
}

if (import.meta.main) {
  const { runTrial } = await import("./standard_section.ts");
  const trials = Number(Deno.args[0] ?? 40);
  const runs: EtaMeasure[] = [];
  for (let seed = 1; seed <= trials; seed++) {
    const m = etaOff((await runTrial(seed)).second.events, seed);
    runs.push(m);
    say(etaWords(m));
  }
  const s = etaSummary(runs);
  say(`within 5% in ${s.within5} of ${runs.length}`);
  say(etaLine(s));
}
