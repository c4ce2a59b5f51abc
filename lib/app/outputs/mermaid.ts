/**
 * A run's timeline as a Mermaid `gantt` block, which GitHub renders in a step summary: a section
 * per kind of step, the wait for a slot (`active`: lighter) and the running (plain) apart, trouble
 * marked `crit` and in words.
 *
 * Mermaid's gantt lexer reads `:` as the end of a task's name, `#` and `%%` as the start of a
 * comment and `;` as the end of a statement, and renders a name as HTML (`<`, `>`, `&`): step ids
 * (which users choose) are written with those characters swapped for look-alikes (`load:s1` shows
 * as `load s1`, `a:b` as `a∶b`, `load <img>` as `load ＜img＞`), so that every id shows whole and
 * nothing in one is read as HTML.
 */
import type { TimelineEntry } from "../../kit/run/timeline.ts";

/** The look-alike of each character Mermaid's gantt grammar treats specially in a task's name. */
const LOOK_ALIKE: Record<string, string> = {
  ":": "∶", // U+2236 RATIO
  "#": "＃", // U+FF03 FULLWIDTH NUMBER SIGN
  ";": "；", // U+FF1B FULLWIDTH SEMICOLON
  "%": "％", // U+FF05 FULLWIDTH PERCENT SIGN
  ",": "‚", // U+201A SINGLE LOW-9 QUOTATION MARK (data is comma-separated)
  "`": "ˋ", // U+02CB MODIFIER LETTER GRAVE ACCENT (would end the Markdown fence)
  // Mermaid renders labels as HTML (sanitized): `load <img>` would lose its tag, and `&lt;` would
  // show as `<`.
  "<": "＜", // U+FF1C FULLWIDTH LESS-THAN SIGN
  ">": "＞", // U+FF1E FULLWIDTH GREATER-THAN SIGN
  "&": "＆", // U+FF06 FULLWIDTH AMPERSAND
};

/**
 * Text safe in a gantt task name, title or section: the characters Mermaid reads as syntax
 * swapped for look-alikes, line breaks and other control characters for spaces.
 */
export function mermaidText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[:#;%,`<>&]/g, (c) => LOOK_ALIKE[c]!).replace(/[\u0000-\u001f\u007f]/g, " ")
    .trim();
}

/** A step's name in the chart: `load s1` for `load:s1` (the kind, a space, the whole target). */
export function mermaidStepName(t: Pick<TimelineEntry, "kind" | "target">): string {
  return `${t.kind} ${mermaidText(t.target)}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The date format for the chart: to the second, or to the millisecond for a run under a minute. */
export function ganttDateFormat(spanMs: number): { dateFormat: string; axisFormat: string } {
  if (spanMs < 60_000) return { dateFormat: "YYYY-MM-DD HH:mm:ss.SSS", axisFormat: "%H:%M:%S" };
  if (spanMs < 86_400_000) {
    return {
      dateFormat: "YYYY-MM-DD HH:mm:ss",
      axisFormat: spanMs < 10 * 60_000 ? "%H:%M:%S" : "%H:%M",
    };
  }
  return { dateFormat: "YYYY-MM-DD HH:mm:ss", axisFormat: "%m-%d %H:%M" };
}

/** A time (ms) in the chart's date format, UTC. */
function dateText(ms: number, withMs: boolean): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    (withMs ? `.${pad(d.getUTCMilliseconds(), 3)}` : "");
}

const TROUBLE: Partial<Record<TimelineEntry["outcome"], string>> = {
  failed: "failed",
  stopped: "stopped",
  timed_out: "timed out",
};

/** The task lines of one step: its wait (when it waited), then its running. */
function stepTasks(
  t: TimelineEntry,
  end: number,
  when: (ms: number) => string,
  waits: boolean,
): string[] {
  const created = Date.parse(t.createdAt ?? "");
  if (!Number.isFinite(created)) return [];
  const running = t.runningAt === null ? null : Date.parse(t.runningAt);
  const ended = t.endedAt === null ? end : Date.parse(t.endedAt);
  const name = mermaidStepName(t);
  const trouble = TROUBLE[t.outcome];
  const why = trouble ? ` ${trouble}${t.reason ? ` ${mermaidText(t.reason)}` : ""}` : "";
  const lines: string[] = [];
  const waitEnd = running ?? ended;
  if (running === null || (waits && waitEnd > created)) {
    const tags = trouble && running === null ? "crit, active, " : "active, ";
    const label = running === null ? `${name} waiting${why}` : `${name} waiting`;
    lines.push(`    ${label} :${tags}${when(created)}, ${when(Math.max(waitEnd, created))}`);
  }
  if (running !== null) {
    const tags = trouble ? "crit, " : "";
    lines.push(`    ${name}${why} :${tags}${when(running)}, ${when(Math.max(ended, running))}`);
  }
  return lines;
}

const KINDS = ["load", "update", "index", "publish"] as const;

/**
 * The ```mermaid gantt block of a timeline (times in UTC), or "" when no step began. `end` (ms)
 * ends a step still running; `waits: false` leaves out the waits of steps that ran (a shorter
 * chart for a big run).
 */
export function mermaidGantt(
  timeline: readonly TimelineEntry[],
  options: { title?: string; end?: number; waits?: boolean } = {},
): string {
  const times = timeline.flatMap((t) =>
    [t.createdAt, t.runningAt, t.endedAt].filter((x): x is string => x !== null).map(Date.parse)
  ).filter(Number.isFinite);
  if (times.length === 0) return "";
  const start = Math.min(...times);
  const end = Math.max(...times, options.end ?? -Infinity);
  const formats = ganttDateFormat(end - start);
  const withMs = formats.dateFormat.endsWith(".SSS");
  const when = (ms: number) => dateText(ms, withMs);
  const lines = [
    "```mermaid",
    "gantt",
    ...(options.title ? [`    title ${mermaidText(options.title)}`] : []),
    `    dateFormat ${formats.dateFormat}`,
    `    axisFormat ${formats.axisFormat}`,
    "    todayMarker off",
  ];
  for (const kind of KINDS) {
    const steps = timeline.filter((t) => t.kind === kind);
    if (steps.length === 0) continue;
    lines.push(`    section ${kind}`);
    for (const t of steps) lines.push(...stepTasks(t, end, when, options.waits !== false));
  }
  lines.push("```");
  return lines.join("\n") + "\n";
}
