/**
 * The report's trends: each step's time on Tamr (its job's creation to its end, the duration the
 * run's "slower than usual" compares) over the plan's recent runs (median, 90th percentile, this
 * run, an inline-SVG sparkline), and the recent runs themselves.
 */
import { durationStats } from "../../kit/history/duration_stats.ts";
import { slowAfterMs } from "../../kit/run/slower_than_usual.ts";
import type { TimelineEntry } from "../../kit/run/timeline.ts";
import { busyMs } from "../history/expectations.ts";
import type { RunRecord } from "../history/record.ts";
import { durText, esc, isTrouble, OUTCOME_TEXT, utcText } from "./_html.ts";

/** How many runs the trends look back over, this one included. */
export const TREND_RUNS = 20;
/** How many recent runs the report lists. */
const LISTED_RUNS = 10;

/** The runs up to and including `run`, oldest first, at most TREND_RUNS. */
export function trendRuns(run: RunRecord, runs: readonly RunRecord[]): RunRecord[] {
  const at = Date.parse(run.startedAt);
  const earlier = runs.filter((r) => r.runId !== run.runId && Date.parse(r.startedAt) <= at);
  return [...earlier, run]
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .slice(-TREND_RUNS);
}

/**
 * One step's times on Tamr (creation to end, waiting included) over the trend runs, oldest first:
 * null where it did not succeed.
 */
export interface StepTrend {
  step: string;
  values: (number | null)[];
  /** Where the step ran into trouble (failed, stopped, timed out), by the same index. */
  trouble: boolean[];
}

/** The trend of every step seen in the runs: this run's steps first, in its order. */
export function stepTrends(runs: readonly RunRecord[]): StepTrend[] {
  const order: string[] = [];
  const last = runs.at(-1);
  for (const r of last ? [last, ...runs] : runs) {
    for (const t of r.timeline) if (!order.includes(t.step)) order.push(t.step);
  }
  return order.map((step) => {
    const entries = runs.map((r) => r.timeline.find((t) => t.step === step));
    return {
      step,
      values: entries.map((t) => (t?.outcome === "succeeded" ? busyMs(t) : null)),
      trouble: entries.map((t) => t !== undefined && isTrouble(t.outcome)),
    };
  });
}

/** A small inline SVG line of the values, oldest left; this run (the last) as a dot. */
export function sparklineSvg(trend: StepTrend): string {
  const w = 120;
  const h = 28;
  const pad = 4;
  const known = trend.values.filter((v): v is number => v !== null);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const n = trend.values.length;
  const x = (i: number) => (n === 1 ? w / 2 : pad + (i / (n - 1)) * (w - 2 * pad));
  const y = (v: number) => (hi === lo ? h / 2 : h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad));
  let path = "";
  let pen = false;
  trend.values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    path += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
    pen = true;
  });
  const marks = trend.trouble.map((bad, i) =>
    bad ? `<circle class="spark-trouble" cx="${x(i).toFixed(1)}" cy="${h - 2}" r="2"/>` : ""
  ).join("");
  const now = trend.values.at(-1);
  const dot = now === null || now === undefined
    ? ""
    : `<circle class="spark-now" cx="${x(n - 1).toFixed(1)}" cy="${y(now).toFixed(1)}" r="2.5"/>`;
  const title = `${trend.step}, time on Tamr oldest to newest: ${
    trend.values.map((v, i) => (v === null ? (trend.trouble[i] ? "failed" : "–") : durText(v)))
      .join(", ")
  }`;
  return `<svg class="sparkline" data-sparkline="${esc(trend.step)}" width="${w}" height="${h}" ` +
    `viewBox="0 0 ${w} ${h}" role="img"><title>${esc(title)}</title>` +
    (path ? `<path d="${path.trim()}"/>` : "") + marks + dot + `</svg>`;
}

/**
 * True when this run's step took longer than the run itself would have called slower than usual
 * (`slowAfterMs()`: past the earlier runs' 90th percentile, and a tenth past their median).
 */
export function isSlower(nowMs: number | null, earlier: readonly number[]): boolean {
  const usual = durationStats(earlier);
  if (nowMs === null || usual === null) return false;
  return nowMs > slowAfterMs({ expectedMs: usual.medianMs, p90Ms: usual.p90Ms })!;
}

/** One row of the trends table: the usual (earlier runs) against this run. */
function trendRow(trend: StepTrend, now: TimelineEntry | undefined): string {
  const earlier = trend.values.slice(0, -1).filter((v): v is number => v !== null);
  const usual = durationStats(earlier);
  const nowMs = now ? busyMs(now) : null;
  const slower = isSlower(nowMs, earlier);
  const nowText = now === undefined
    ? "did not run"
    : now.outcome === "succeeded"
    ? durText(nowMs)
    : `${OUTCOME_TEXT[now.outcome].sign} ${OUTCOME_TEXT[now.outcome].words}${
      nowMs === null ? "" : ` after ${durText(nowMs)}`
    }`;
  const known = trend.values.some((v) => v !== null);
  return `<tr data-trend="${esc(trend.step)}"><th scope="row">${esc(trend.step)}</th>` +
    `<td class="num">${usual?.samples ?? 0}</td>` +
    `<td class="num">${durText(usual?.medianMs)}</td>` +
    `<td class="num">${durText(usual?.p90Ms)}</td>` +
    `<td>${esc(nowText)}${
      slower ? ' <span class="slower" data-slower="true">slower than usual</span>' : ""
    }</td><td>${known ? sparklineSvg(trend) : ""}</td></tr>`;
}

/** The per-step trends table over the runs (oldest first, this run last). */
export function trendsHtml(runs: readonly RunRecord[]): string {
  const run = runs.at(-1);
  if (!run) return "";
  const rows = stepTrends(runs).map((t) =>
    trendRow(t, run.timeline.find((e) => e.step === t.step))
  );
  const earlier = runs.length - 1;
  return `<table class="trends"><caption>Time on Tamr of each step, from its job's creation to ` +
    `its end (its wait for a slot included): the median and 90th percentile of its successful ` +
    `runs among the ${earlier} earlier run${earlier === 1 ? "" : "s"}, against this run. Past ` +
    `the 90th percentile, and a tenth past the median, is slower than usual, as the run itself ` +
    `says it. Sparklines oldest to newest, this run the dot.</caption>` +
    `<thead><tr><th scope="col">Step</th><th scope="col" class="num">Earlier runs</th>` +
    `<th scope="col" class="num">Median</th><th scope="col" class="num">p90</th>` +
    `<th scope="col">This run</th><th scope="col">Trend</th></tr>` +
    `</thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The step that took longest (waiting and running) in a run, with its time. */
export function slowestStep(run: RunRecord): { step: string; ms: number } | null {
  let best: { step: string; ms: number } | null = null;
  for (const t of run.timeline) {
    const took = (t.waitMs ?? 0) + (t.runMs ?? 0);
    if (best === null || took > best.ms) best = { step: t.step, ms: took };
  }
  return best;
}

/** The recent runs, newest first, this one marked. */
export function recentRunsHtml(runs: readonly RunRecord[], current: string): string {
  const rows = [...runs].reverse().slice(0, LISTED_RUNS).map((r) => {
    const slow = slowestStep(r);
    return `<tr data-run="${esc(r.runId)}"${r.runId === current ? ' class="current"' : ""}>` +
      `<th scope="row"><code>${esc(r.runId)}</code></th><td>${esc(utcText(r.startedAt))}</td>` +
      `<td class="run-${esc(r.outcome)}">${esc(r.outcome.replace("_", " "))}</td>` +
      `<td class="num">${durText(r.durationMs)}</td>` +
      `<td>${slow ? `${esc(slow.step)} (${durText(slow.ms)})` : "–"}</td></tr>`;
  });
  return `<table class="runs"><thead><tr><th scope="col">Run</th><th scope="col">Started</th>` +
    `<th scope="col">Outcome</th><th scope="col">Total</th><th scope="col">Slowest step</th>` +
    `</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
