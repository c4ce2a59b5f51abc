/**
 * The report's Gantt chart, in HTML and CSS: one row per step that began, a bar from the job's
 * creation to its end, its wait for a slot (PENDING) and its running shown apart, each trouble
 * marked in words as well as colour, and a time axis from the first creation.
 */
import type { TimelineEntry } from "../../kit/run/timeline.ts";
import { durText, esc, isTrouble, OUTCOME_TEXT, utcText } from "./_html.ts";

/** The chart's time range, ms since the epoch; `end` > `start`. */
export interface ChartRange {
  start: number;
  end: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Tick spacings the axis chooses from: the smallest that gives at most ten ticks. */
const TICK_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

const ms = (t: string | null) => (t === null ? null : Date.parse(t));

/**
 * The time range of a timeline: from the first creation to the last end. A step still running
 * (left running on purpose) ends at `finishedAt`, the run's own end.
 */
export function chartRange(timeline: readonly TimelineEntry[], finishedAt: number): ChartRange {
  const times: number[] = [];
  for (const t of timeline) {
    for (const v of [ms(t.createdAt), ms(t.runningAt), ms(t.endedAt)]) {
      if (v !== null && Number.isFinite(v)) times.push(v);
    }
    if (t.endedAt === null && Number.isFinite(finishedAt)) times.push(finishedAt);
  }
  if (times.length === 0) return { start: 0, end: MINUTE };
  const start = Math.min(...times);
  return { start, end: Math.max(...times, start + SECOND) };
}

/** The tick spacing for a span: at most ten ticks. */
export function tickStep(spanMs: number): number {
  return TICK_STEPS.find((s) => spanMs / s <= 10) ?? Math.ceil(spanMs / 10 / HOUR) * HOUR;
}

/** An axis label: the time since the chart's start (`0`, `45s`, `5m`, `1h30m`). */
export function tickLabel(offsetMs: number): string {
  if (offsetMs === 0) return "0";
  const h = Math.floor(offsetMs / HOUR);
  const m = Math.floor((offsetMs % HOUR) / MINUTE);
  const s = Math.round((offsetMs % MINUTE) / SECOND);
  if (h > 0) return m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A percentage of the range, for CSS, to 3 decimals. */
function pct(v: number, range: ChartRange): string {
  const p = ((v - range.start) / (range.end - range.start)) * 100;
  return `${Math.min(100, Math.max(0, p)).toFixed(3)}%`;
}

/** One bar segment: `waiting` (PENDING) or `running`. */
function segment(
  kind: "waiting" | "running",
  from: number,
  to: number,
  range: ChartRange,
  title: string,
  trouble: boolean,
): string {
  const width = ((Math.max(to, from) - from) / (range.end - range.start)) * 100;
  return `<span class="bar bar-${kind}${trouble ? " bar-trouble" : ""}" data-segment="${kind}" ` +
    `style="left:${pct(from, range)};width:${width.toFixed(3)}%" title="${esc(title)}"></span>`;
}

/** What the row says after its bar: the time it took, or the trouble and Tamr's reason. */
function outcomeCell(t: TimelineEntry): string {
  const o = OUTCOME_TEXT[t.outcome];
  const total = (t.waitMs ?? 0) + (t.runMs ?? 0);
  const took = t.waitMs === null && t.runMs === null ? "" : durText(total);
  const waited = t.waitMs ? ` <span class="waited">(waited ${esc(durText(t.waitMs))})</span>` : "";
  if (t.outcome === "succeeded") {
    return `<span class="took">${esc(took)}</span>${waited}`;
  }
  const reason = t.reason ? `: <code class="reason">${esc(t.reason)}</code>` : "";
  return `<span class="mark mark-${t.outcome}" data-mark="${t.outcome}">${o.sign} ${o.words}` +
    `${reason}</span> <span class="took">${esc(took)}</span>${waited}`;
}

/** One step's row: its whole id, its bar (waiting, then running) and its outcome. */
function row(t: TimelineEntry, range: ChartRange): string {
  const created = ms(t.createdAt) ?? range.start;
  const running = ms(t.runningAt);
  const ended = ms(t.endedAt) ?? range.end;
  const trouble = isTrouble(t.outcome);
  const job = t.jobId ? ` (job ${t.jobId})` : "";
  const bars: string[] = [];
  const waitEnd = running ?? ended;
  if (waitEnd > created || running === null) {
    const title = `${t.step}: waiting (PENDING) ${durText(waitEnd - created)} from ${
      utcText(created)
    }${job}`;
    bars.push(segment("waiting", created, waitEnd, range, title, trouble && running === null));
  }
  if (running !== null) {
    const title = `${t.step}: running ${durText(ended - running)}, ${
      OUTCOME_TEXT[t.outcome].words
    }${t.reason ? ` (${t.reason})` : ""}${t.message ? `: ${t.message}` : ""}${job}`;
    bars.push(segment("running", running, ended, range, title, trouble));
  }
  return `<div class="row outcome-${t.outcome}" data-step="${esc(t.step)}" ` +
    `data-outcome="${t.outcome}" role="row">` +
    `<div class="step-label" role="rowheader">${esc(t.step)}</div>` +
    `<div class="track" role="cell">${bars.join("")}</div>` +
    `<div class="outcome" role="cell">${outcomeCell(t)}</div></div>`;
}

/** The time axis: a tick label every `tickStep`, from the chart's start. */
function axis(range: ChartRange, step: number): string {
  const ticks: string[] = [];
  for (let off = 0; range.start + off <= range.end; off += step) {
    ticks.push(
      `<span class="tick" style="left:${pct(range.start + off, range)}">${tickLabel(off)}</span>`,
    );
  }
  return `<div class="row axis-row" aria-hidden="true"><div class="step-label"></div>` +
    `<div class="axis">${ticks.join("")}</div><div class="outcome"></div></div>`;
}

/** The whole chart for a run's timeline, or a sentence when no step began. */
export function ganttHtml(timeline: readonly TimelineEntry[], finishedAt: number): string {
  if (timeline.length === 0) {
    return `<p class="empty">No step began in this run, so there is no timeline to draw.</p>`;
  }
  const range = chartRange(timeline, finishedAt);
  const step = tickStep(range.end - range.start);
  const tickPct = ((step / (range.end - range.start)) * 100).toFixed(4);
  return `<div class="gantt" role="table" aria-label="Timeline of the run" ` +
    `style="--tick:${tickPct}%">` +
    axis(range, step) +
    timeline.map((t) => row(t, range)).join("") +
    `</div><p class="axis-note">Time since the first job was created, at ${
      utcText(range.start)
    }.</p>` +
    `<p class="legend"><span class="swatch bar-waiting"></span> waiting for a slot (PENDING) ` +
    `<span class="swatch bar-running"></span> running ` +
    `<span class="swatch bar-running bar-trouble"></span> failed, stopped or timed out</p>`;
}
