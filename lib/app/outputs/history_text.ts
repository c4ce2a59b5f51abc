/**
 * `tamr-refresh history` as text, within the terminal's columns (80 when not a terminal): the recent runs (when, outcome, total time,
 * slowest step), then each step's trend (median, 90th percentile, its wait for a slot where it
 * waited, and a sparkline of its durations, oldest to newest).
 */
import { formatDuration } from "../../kit/duration.ts";
import { dateTime } from "./time_text.ts";
import { busyMs } from "../history/expectations.ts";
import type { RunRecord } from "../history/record.ts";
import { sparkline, stepTrends } from "../history/trends.ts";
import { type Column, fit, fitTable } from "./_fit_table.ts";

/** The text's width when stdout is not a terminal. */
export const HISTORY_WIDTH = 80;
/** The narrowest width laid out; below it lines are cut. */
const MIN_WIDTH = 20;

/** A wait for a slot shorter than this is not worth a column. */
const NOTABLE_WAIT_MS = 1_000;

/** `text` broken between words into lines of at most `width`; a longer word is cut with `…`. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = "";
    }
    line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line].map((l) => fit(l, width));
}

/**
 * The history's text within `width` columns (HISTORY_WIDTH unless told): `runs` are the ones to
 * show, newest first; `total` how many are kept.
 */
export function historyText(
  runs: readonly RunRecord[],
  total: number,
  width = HISTORY_WIDTH,
): string {
  const newest = runs[0];
  if (!newest) return "";
  const w = Math.max(MIN_WIDTH, width);
  const shown = runs.length < total ? ` (${runs.length} of ${total})` : "";
  const head = wrapWords(
    `Runs of ${newest.dataProduct} on ${newest.baseUrl}, newest first${shown}:`,
    w,
  );
  return [...head, "", ...runsTable(runs, w), "", ...trendsTable(runs, w)].join("\n") + "\n";
}

/**
 * A run's start, short, for a narrow terminal: `12-02 14:03`, or `12-02 14:03:07` when two of the
 * runs shown started in the same minute (they would look alike).
 */
function shortDateTimes(runs: readonly RunRecord[]): (r: RunRecord) => string {
  const minutes = runs.map((r) => dateTime(r.startedAt).slice(5, 16));
  const end = new Set(minutes).size < minutes.length ? 19 : 16;
  return (r) => dateTime(r.startedAt).slice(5, end);
}

/**
 * One line per run: started, outcome, total time, its slowest step. When the slowest step would
 * not fit, the start is shortened to month, day, hours and minutes; then the slowest step goes.
 */
function runsTable(runs: readonly RunRecord[], width: number): string[] {
  const columns = (started: (r: RunRecord) => string): Column[] => [
    { header: "started", cells: runs.map((r) => started(r)) },
    { header: "outcome", cells: runs.map((r) => r.outcome.replace("_", " ")) },
    { header: "total", cells: runs.map((r) => formatDuration(r.durationMs)), right: true },
    { header: "slowest step", cells: runs.map(slowest), min: 16, dropRank: 1 },
  ];
  const full = fitTable(columns((r) => dateTime(r.startedAt)), width);
  return full.shown.includes("slowest step")
    ? full.lines
    : fitTable(columns(shortDateTimes(runs)), width).lines;
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

/**
 * One line per step: median, p90, its usual wait for a slot (when any), and the sparkline. Too
 * wide, the sparkline keeps its newest points and the step is cut; then the wait goes, then p90.
 */
function trendsTable(runs: readonly RunRecord[], width: number): string[] {
  const trends = stepTrends(runs);
  const waited = trends.some((t) => (t.waitMedianMs ?? 0) >= NOTABLE_WAIT_MS);
  const ms = (v: number | null) => v === null ? "-" : formatDuration(v);
  const table = fitTable([
    { header: "step", cells: trends.map((t) => t.step), min: 12 },
    { header: "median", cells: trends.map((t) => ms(t.medianMs)), right: true },
    { header: "p90", cells: trends.map((t) => ms(t.p90Ms)), right: true, dropRank: 2 },
    ...(waited
      ? [{
        header: "waited",
        cells: trends.map((t) =>
          (t.waitMedianMs ?? 0) >= NOTABLE_WAIT_MS ? ms(t.waitMedianMs) : ""
        ),
        right: true,
        dropRank: 1,
      }]
      : []),
    {
      header: "trend",
      cells: trends.map((t) => sparkline(t.points.slice(-SPARK_MAX))),
      min: 5,
      cut: "start" as const,
    },
  ], width);
  const n = runs.length;
  const trendAt = table.shown.indexOf("trend");
  const spark = Math.min(n, SPARK_MAX, table.widths[trendAt] ?? SPARK_MAX);
  return [
    ...wrapWords(
      `Steps over ${n === 1 ? "this run" : `these ${n} runs`} (median${
        table.shown.includes("p90") ? " and p90" : ""
      } where they succeeded):`,
      width,
    ),
    "",
    ...table.lines,
    "",
    ...wrapWords(
      `trend: oldest to newest${n > spark ? ` (the newest ${spark})` : ""}; ` +
        `× did not succeed, · did not run`,
      width,
    ),
    ...(table.shown.includes("waited")
      ? wrapWords("waited: the median wait for a slot (PENDING) before running", width)
      : []),
  ];
}

/** The most runs a sparkline shows. */
const SPARK_MAX = 20;
