/**
 * `tamr-refresh history` as text, within 80 columns: the recent runs (when, outcome, total time,
 * slowest step), then each step's trend (median, 90th percentile, its wait for a slot where it
 * waited, and a sparkline of its durations, oldest to newest).
 */
import { formatDuration } from "../../kit/duration.ts";
import { dateTime } from "./time_text.ts";
import { busyMs } from "../history/expectations.ts";
import type { RunRecord } from "../history/record.ts";
import { sparkline, stepTrends } from "../history/trends.ts";

/** The text's width, at most. */
export const HISTORY_WIDTH = 80;

/** A wait for a slot shorter than this is not worth a column. */
const NOTABLE_WAIT_MS = 1_000;

/** Cuts `text` to `width` characters, ending with `…` when it was longer. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** The history's text: `runs` are the ones to show, newest first; `total` how many are kept. */
export function historyText(runs: readonly RunRecord[], total: number): string {
  const newest = runs[0];
  if (!newest) return "";
  const shown = runs.length < total ? ` (${runs.length} of ${total})` : "";
  const head = fit(
    `Runs of ${newest.dataProduct} on ${newest.baseUrl}, newest first${shown}:`,
    HISTORY_WIDTH,
  );
  return [head, "", ...runsTable(runs), "", ...trendsTable(runs)].join("\n") + "\n";
}

/** One line per run: started, outcome, total time, its slowest step. */
function runsTable(runs: readonly RunRecord[]): string[] {
  const rows = runs.map((r) => [
    dateTime(r.startedAt),
    r.outcome.replace("_", " "),
    formatDuration(r.durationMs),
    slowest(r),
  ]);
  return table(["started", "outcome", "total", "slowest step"], rows, [false, false, true, false]);
}

/** The run's slowest step and its time: `update:dp (20m03s)`. */
function slowest(run: RunRecord): string {
  let best: { step: string; ms: number } | null = null;
  for (const t of run.timeline) {
    const ms = busyMs(t);
    if (ms !== null && (best === null || ms > best.ms)) best = { step: t.step, ms };
  }
  return best ? `${best.step} (${formatDuration(best.ms)})` : "-";
}

/** One line per step: median, p90, its usual wait for a slot (when any), and the sparkline. */
function trendsTable(runs: readonly RunRecord[]): string[] {
  const trends = stepTrends(runs);
  const waited = trends.some((t) => (t.waitMedianMs ?? 0) >= NOTABLE_WAIT_MS);
  const ms = (v: number | null) => v === null ? "-" : formatDuration(v);
  const rows = trends.map((t) => [
    t.step,
    ms(t.medianMs),
    ms(t.p90Ms),
    ...(waited ? [(t.waitMedianMs ?? 0) >= NOTABLE_WAIT_MS ? ms(t.waitMedianMs) : ""] : []),
    sparkline(t.points.slice(-SPARK_MAX)),
  ]);
  const header = ["step", "median", "p90", ...(waited ? ["waited"] : []), "trend"];
  const right = [false, true, true, ...(waited ? [true] : []), false];
  const n = runs.length;
  return [
    `Steps over ${n === 1 ? "this run" : `these ${n} runs`} (median and p90 where they succeeded):`,
    "",
    ...table(header, rows, right),
    "",
    fit(
      `trend: oldest to newest${n > SPARK_MAX ? ` (the newest ${SPARK_MAX})` : ""}; ` +
        `× did not succeed, · did not run`,
      HISTORY_WIDTH,
    ),
    ...(waited ? ["waited: the median wait for a slot (PENDING) before running"] : []),
  ];
}

/** The most runs a sparkline shows. */
const SPARK_MAX = 20;

/**
 * Rows as columns two spaces apart, indented by two; the first column is cut (with `…`) so that
 * every line fits HISTORY_WIDTH, the last is cut if it still does not.
 */
function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const last = widths.length - 1;
  const rest = 2 + widths.slice(1).reduce((a, w) => a + w + 2, 0);
  if (rest + widths[0]! > HISTORY_WIDTH) widths[0] = Math.max(12, HISTORY_WIDTH - rest);
  const used = 2 + widths.slice(0, last).reduce((a, w) => a + w + 2, 0);
  widths[last] = Math.min(widths[last]!, HISTORY_WIDTH - used);
  return all.map((r) =>
    "  " + r.map((c, i) => {
      const cell = fit(c, widths[i]!);
      return right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
    }).join("  ").trimEnd()
  );
}
