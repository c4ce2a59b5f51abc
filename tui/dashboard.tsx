import { Box, Text } from "ink";
import {
  createContext,
  type JSX,
  memo,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from "react";
import cliTruncate from "cli-truncate";
import stringWidth from "string-width";
import type { StepState } from "../lib/kit/run/events.ts";
import { PHASES, type StepKind } from "../lib/kit/run/plan.ts";
import { formatDuration } from "../lib/kit/duration.ts";
import type { RunState, StepView } from "../lib/kit/run/run_state.ts";
import { BAR_CHARS, type BarPart, barParts, fit, plural, wrapLines, wrapWords } from "./_format.ts";

export type Overlay = "help" | "confirm-quit" | null;

export interface DashboardProps {
  state: RunState;
  /** The time the frame shows, in milliseconds since the epoch (elapsed times count to it). */
  now: number;
  /**
   * Terminal height: when given, the frame takes at most `rows - 1` lines, finished rows folding
   * into counts (never a failed one). One line short of the terminal, so that Ink never draws a
   * frame as tall as the screen: such a frame is redrawn from the top on unmount (printed twice)
   * and its last line has no newline.
   */
  rows?: number | undefined;
  /** Terminal width; every line is kept within it. Default 80. */
  columns?: number | undefined;
  overlay?: Overlay | undefined;
  /** The user confirmed quitting: the run is stopping its jobs. */
  quitting?: boolean | undefined;
  /** The user detached: the last frame stays, without the keys, which no longer work. */
  detached?: boolean | undefined;
  /** False: no colour and no other text style (`NO_COLOR`). Default true. */
  color?: boolean | undefined;
  /**
   * True when detaching ends the run rather than leaving its jobs running (the demo, whose
   * tenant stops with the process): the keys and the help say so.
   */
  detachEndsRun?: boolean | undefined;
}

type Tone = "dim" | "green" | "red" | "yellow" | "cyan" | "bold";
interface Part {
  text: string;
  tone?: Tone;
}
type Line =
  | { kind: "text"; parts: Part[] }
  | { kind: "step"; step: StepView }
  | { kind: "blank" };

const HEADINGS: Record<StepKind, string> = {
  load: "Sources",
  update: "Data product",
  index: "Search index",
  publish: "Publish",
};

const NOUNS: Record<StepKind, [string, string]> = {
  load: ["source", "sources"],
  update: ["data product", "data products"],
  index: ["search index", "search indexes"],
  publish: ["destination", "destinations"],
};

const MARKS: Record<StepState, Part | null> = {
  waiting: { text: "○", tone: "dim" },
  queued: { text: "○", tone: "dim" },
  creating: null,
  running: null,
  stopping: null,
  succeeded: { text: "✔", tone: "green" },
  failed: { text: "✖", tone: "red" },
  stopped: { text: "■", tone: "yellow" },
  timed_out: { text: "⏱", tone: "red" },
  skipped: { text: "–", tone: "dim" },
};

const INACTIVE: ReadonlySet<StepState> = new Set(["waiting", "queued", "skipped"]);
const ACTIVE: ReadonlySet<StepState> = new Set(["creating", "running", "stopping"]);
const PROBLEM: ReadonlySet<StepState> = new Set(["failed", "stopped", "timed_out"]);

/**
 * How the run stands, for the words and the folding: whether it ended (steps that never ran are
 * `not started`), and whether it is being interrupted (its stopped jobs were stopped by this run).
 */
interface RunPhase {
  ended: boolean;
  interrupted: boolean;
}

function runPhaseOf(state: RunState, quitting: boolean): RunPhase {
  return {
    ended: state.finishedAt !== null,
    interrupted: quitting || state.finish?.outcome === "interrupted",
  };
}

/**
 * A step that went wrong: failed, timed out, or stopped by someone else (a job this run stopped
 * on an interrupt is not). Its row is never folded, and it is printed in full after the run.
 */
function isProblem(step: StepView, run: RunPhase): boolean {
  if (step.state === "failed" || step.state === "timed_out") return true;
  return step.state === "stopped" && !run.interrupted;
}

/**
 * The live dashboard: a pure function of the view state, the time and the terminal size. Only the
 * lines that fit are built: with 1,000 sources a frame holds a few dozen rows, not 1,000.
 */
export function Dashboard(props: DashboardProps): JSX.Element {
  const columns = Math.max(20, props.columns ?? 80);
  const color = props.color ?? true;
  const run = runPhaseOf(props.state, props.quitting ?? false);
  const lines = layout({ ...props, columns }, run);
  const widths = rowWidths(props.state.steps, props.now, columns, run);
  const spinning = lines.some((l) => l.kind === "step" && MARKS[l.step.state] === null);
  return (
    <SpinnerClock active={spinning}>
      {
        /* At most `columns` wide, and never wider than the terminal: on a resize Ink draws the
          frame once more before React renders it for the new size, and lines wider than the
          terminal would wrap into rows that Ink does not erase. */
      }
      <Box flexDirection="column" width="100%" maxWidth={columns}>
        {lines.map((line, i) => renderLine(line, i, widths, props.now, run, color))}
      </Box>
    </SpinnerClock>
  );
}

// ---------------------------------------------------------------------------------------------
// Spinners: one clock turns them all, so the running rows animate together and each turn costs
// one redraw (a spinner per row, each on its own timer, redrew the frame up to 30 times a second).

/**
 * cli-spinners' "dots" in blue, turning about 6 times a second instead of 12.5: each turn redraws
 * the whole frame, and while a run only waits the turns are most of its CPU time.
 */
export const SPINNER = {
  frames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
  intervalMs: 160,
};
const SpinnerFrame = createContext(0);

function SpinnerClock(props: { active: boolean; children: ReactNode }): JSX.Element {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!props.active) return;
    const timer = setInterval(
      () => setFrame((f) => (f + 1) % SPINNER.frames.length),
      SPINNER.intervalMs,
    );
    return () => clearInterval(timer);
  }, [props.active]);
  return <SpinnerFrame.Provider value={frame}>{props.children}</SpinnerFrame.Provider>;
}

function Spinner(props: { color: boolean }): JSX.Element {
  const frame = SPINNER.frames[useContext(SpinnerFrame)];
  return props.color ? <Text color="blue">{frame}</Text> : <Text>{frame}</Text>;
}

// ---------------------------------------------------------------------------------------------
// Layout: which lines the frame has, so that it fits `rows`.

type FoldCategory = "succeeded" | "stopped" | "skipped" | "waiting";
const FOLD_ORDER: readonly FoldCategory[] = ["succeeded", "stopped", "skipped", "waiting"];
const FOLD_MARK: Record<FoldCategory, Part> = {
  succeeded: { text: "✔", tone: "green" },
  stopped: { text: "■", tone: "yellow" },
  skipped: { text: "–", tone: "dim" },
  waiting: { text: "○", tone: "dim" },
};

/** The category a step folds into; null for a row that never folds (running, or a problem). */
function categoryOf(state: StepState, run: RunPhase): FoldCategory | null {
  if (state === "succeeded") return "succeeded";
  if (state === "skipped") return "skipped";
  if (state === "waiting" || state === "queued") return "waiting";
  // Jobs this run stopped on an interrupt may fold; a job stopped by someone else never does.
  if (state === "stopped" && run.interrupted) return "stopped";
  return null;
}

/** `waiting` while the run goes on, `not started` once it ended. */
function categoryWord(category: FoldCategory, run: RunPhase): string {
  return category === "waiting" && run.ended ? "not started" : category;
}

/**
 * One phase of the plan, counted: how many steps of each category it has, and which categories
 * show as one count line instead of a row per step.
 */
interface Phase {
  kind: StepKind;
  steps: number;
  counts: Record<FoldCategory, number>;
  folded: Set<FoldCategory>;
}

/** The phases that have steps, in plan order, counted in one pass and nothing folded yet. */
function countPhases(steps: readonly StepView[], run: RunPhase): Phase[] {
  const phases = new Map<StepKind, Phase>(PHASES.map((kind) => [kind, {
    kind,
    steps: 0,
    counts: { succeeded: 0, stopped: 0, skipped: 0, waiting: 0 },
    folded: new Set(),
  }]));
  // Indexed loops over the steps here and below: they run for every step on every frame.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const phase = phases.get(s.kind)!;
    phase.steps++;
    const category = categoryOf(s.state, run);
    if (category !== null) phase.counts[category]++;
  }
  return [...phases.values()].filter((p) => p.steps > 0);
}

/** Rows of steps a phase shows: those of the categories it does not fold. */
function stepRows(p: Phase): number {
  let n = p.steps;
  for (const c of p.folded) n -= p.counts[c];
  return n;
}

/** Lines the phases take: a heading each, then its rows and its count lines. */
function bodyHeight(phases: Phase[]): number {
  return phases.reduce((n, p) => n + 1 + stepRows(p) + p.folded.size, 0);
}

/** True when `step` has a row of its own: its category is not folded and, after a cut, it is kept. */
type Shown = (step: StepView) => boolean;

/**
 * The lines of the phases. In each: the count of succeeded steps first (finished work reads
 * first), the rows in plan order, then the counts of stopped, skipped and waiting steps.
 */
function phaseLines(
  phases: Phase[],
  steps: readonly StepView[],
  shown: Shown,
  run: RunPhase,
): Line[] {
  const rows = new Map<StepKind, Line[]>(phases.map((p) => [p.kind, []]));
  const byKind = new Map(phases.map((p) => [p.kind, p]));
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const p = byKind.get(s.kind);
    if (p === undefined) continue;
    const category = categoryOf(s.state, run);
    if ((category === null || !p.folded.has(category)) && shown(s)) {
      rows.get(s.kind)!.push({ kind: "step", step: s });
    }
  }
  const counts = (p: Phase, categories: FoldCategory[]) =>
    categories.filter((c) => p.folded.has(c)).map((c) => foldLine(p, c, run));
  return phases.flatMap((p) => [
    { kind: "text", parts: [{ text: HEADINGS[p.kind], tone: "bold" }] },
    ...counts(p, ["succeeded"]),
    ...rows.get(p.kind)!,
    ...counts(p, ["stopped", "skipped", "waiting"]),
  ]);
}

/** `  ✔ 600 sources succeeded`. */
function foldLine(p: Phase, category: FoldCategory, run: RunPhase): Line {
  const [one, many] = NOUNS[p.kind];
  return {
    kind: "text",
    parts: [
      { text: "  " },
      FOLD_MARK[category],
      {
        text: ` ${plural(p.counts[category], one, many)} ${categoryWord(category, run)}`,
        tone: "dim",
      },
    ],
  };
}

/** Lower ranks stay visible longest: problems (never cut while they fit), running jobs, the rest. */
function rank(step: StepView, run: RunPhase): number {
  if (isProblem(step, run)) return 0;
  if (PROBLEM.has(step.state)) return 1;
  if (ACTIVE.has(step.state)) return 1;
  return 2;
}

/** How many steps are in each state, in words: running, succeeded, waiting, failed… */
function countWords(steps: readonly StepView[], run: RunPhase): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of steps) {
    const category = categoryOf(s.state, run);
    const word = ACTIVE.has(s.state)
      ? "running"
      : category !== null
      ? categoryWord(category, run)
      : s.state.replace("_", " ");
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** `… and 3 more running`, or `… and 5 more (2 running, 3 waiting)`. */
function moreLine(hidden: readonly StepView[], run: RunPhase): Line {
  const counts = countWords(hidden, run);
  const only = counts.size === 1 ? [...counts.keys()][0] : undefined;
  const text = only !== undefined
    ? `… and ${hidden.length} more ${only}`
    : `… and ${hidden.length} more (${[...counts].map(([w, n]) => `${n} ${w}`).join(", ")})`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}

/**
 * Lines the problem rows need to show, each under its phase's heading, with one line counting
 * the rest: the least the body is given before anything else of the frame.
 */
function problemHeight(steps: readonly StepView[], run: RunPhase): number {
  let rows = 0;
  const kinds = new Set<StepKind>();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (!isProblem(s, run)) continue;
    rows++;
    kinds.add(s.kind);
  }
  return rows + kinds.size + (rows < steps.length ? 1 : 0);
}

/** Folds every category a phase holds two or more of: the least room the phases can take. */
function foldAll(phases: Phase[]): void {
  for (const category of FOLD_ORDER) {
    for (const p of phases) if (p.counts[category] >= 2) p.folded.add(category);
  }
}

/**
 * The step list in at most `budget` lines: categories fold into count lines (succeeded first,
 * then stopped, skipped and waiting) in every phase holding two or more of them, until it fits.
 * A failed, timed-out or stopped-by-someone-else row never folds. Only counts are kept for folded
 * steps; rows are built for the steps that show.
 */
function body(steps: readonly StepView[], budget: number | null, run: RunPhase): Line[] {
  const phases = countPhases(steps, run);
  const all: Shown = () => true;
  if (budget === null) return phaseLines(phases, steps, all, run);
  for (const category of FOLD_ORDER) {
    if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all, run);
    for (const p of phases) if (p.counts[category] >= 2) p.folded.add(category);
  }
  if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all, run);
  return cutBody(phases, steps, budget, run);
}

/**
 * Even folded the steps do not fit: one line counts what is left out, and the other lines go, in
 * this order, to the problem rows, the count lines, the running jobs, then the other rows (a
 * phase's heading comes with its first line). A problem row is left out only when the problem
 * rows alone outnumber the lines; every one is printed whole once the run ended.
 */
function cutBody(
  phases: Phase[],
  steps: readonly StepView[],
  budget: number,
  run: RunPhase,
): Line[] {
  const byKind = new Map(phases.map((p) => [p.kind, p]));
  const isRow = (s: StepView) => {
    const category = categoryOf(s.state, run);
    return category === null || !byKind.get(s.kind)!.folded.has(category);
  };
  type Item = { kind: StepKind; step: StepView } | { kind: StepKind; count: FoldCategory };
  const rows = steps.filter(isRow);
  const ranked = (r: number) =>
    rows.filter((s) => rank(s, run) === r).map((step) => ({ kind: step.kind, step }));
  const counts: Item[] = FOLD_ORDER.flatMap((count) =>
    phases.filter((p) => p.folded.has(count)).map((p) => ({ kind: p.kind, count }))
  );
  const items: Item[] = [...ranked(0), ...counts, ...ranked(1), ...ranked(2)];
  const headed = new Set<StepKind>();
  const keptRows = new Set<StepView>();
  const keptCounts = new Map<StepKind, Set<FoldCategory>>(phases.map((p) => [p.kind, new Set()]));
  let height = 1; // the line counting what is left out
  for (const item of items) {
    const more = headed.has(item.kind) ? 1 : 2;
    if (height + more > budget) continue;
    height += more;
    headed.add(item.kind);
    if ("step" in item) keptRows.add(item.step);
    else keptCounts.get(item.kind)!.add(item.count);
  }
  if (headed.size === 0) return [summaryOfSteps(steps, run)];
  // Count lines left out: their steps are counted on the last line with the rows left out.
  for (const p of phases) p.folded = keptCounts.get(p.kind)!;
  const hidden = steps.filter((s) => isRow(s) && !keptRows.has(s));
  const shownPhases = phases.filter((p) => headed.has(p.kind));
  const lines = phaseLines(shownPhases, steps, (s) => keptRows.has(s), run);
  return hidden.length > 0 ? [...lines, moreLine(hidden, run)] : lines;
}

/** `202 steps: 194 succeeded, 2 running, 1 failed, 5 waiting`, for the smallest terminals. */
function summaryOfSteps(steps: readonly StepView[], run: RunPhase): Line {
  const counts = countWords(steps, run);
  const text = `${plural(steps.length, "step", "steps")}: ${
    [...counts].map(([w, n]) => `${n} ${w}`).join(", ")
  }`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}

function elapsedOf(state: RunState, now: number): number {
  if (state.startedAt === null) return 0;
  return Math.max(0, (state.finishedAt ?? now) - state.startedAt);
}

const BAR_TONES: Record<BarPart, Tone> = {
  succeeded: "green",
  failed: "red",
  stopped: "yellow",
  skipped: "dim",
  todo: "dim",
};

/**
 * The title, then the bar and the counts: `██████✖✖–––––––– 4/9 succeeded · 1.6s · 1 failed ·
 * 4 skipped`. The bar is all `█` only when every step succeeded; steps still to run (or, once the
 * run ended, never started) are `░`.
 */
function header(state: RunState, now: number, columns: number, run: RunPhase): Line[] {
  const title: Part[] = [{ text: "tamr-refresh", tone: "bold" }];
  if (state.startedAt === null) {
    return [{ kind: "text", parts: [...title, { text: " · starting…", tone: "dim" }] }, {
      kind: "blank",
    }];
  }
  title.push({ text: ` · tenant ${state.tenant} · data product ${state.dataProduct}` });
  const c = state.counts;
  const total = state.steps.length;
  const notStarted = run.ended ? c.waiting + c.queued : 0;
  const counts: Part[] = [
    { text: ` ${c.succeeded}/${total} succeeded · ${formatDuration(elapsedOf(state, now))}` },
  ];
  const add = (n: number, word: string, tone: Tone) => {
    if (n > 0) counts.push({ text: ` · ${n} ${word}`, tone });
  };
  add(c.failed, "failed", "red");
  add(c.timed_out, "timed out", "red");
  add(c.stopped, "stopped", "yellow");
  add(c.skipped, "skipped", "dim");
  add(notStarted, "not started", "dim");
  if (state.retries > 0) {
    counts.push({ text: ` · ↻${plural(state.retries, "retry", "retries")}`, tone: "yellow" });
  }
  if (state.warnings > 0) {
    counts.push({ text: ` · ${plural(state.warnings, "warning", "warnings")}`, tone: "yellow" });
  }
  // The bar gives up cells (down to 10) so that the counts fit the line.
  const countsWidth = counts.reduce((n, p) => n + stringWidth(p.text), 0);
  const width = Math.max(10, Math.min(20, columns - countsWidth));
  const parts = barParts({
    succeeded: c.succeeded,
    failed: c.failed + c.timed_out,
    stopped: c.stopped,
    skipped: c.skipped,
    todo: total - c.succeeded - c.failed - c.timed_out - c.stopped - c.skipped,
  }, width);
  const status: Part[] = [
    ...parts.map(([part, cells]): Part => ({
      text: BAR_CHARS[part].repeat(cells),
      tone: BAR_TONES[part],
    })),
    ...counts,
  ];
  return [{ kind: "text", parts: title }, { kind: "text", parts: status }];
}

/**
 * The latest warning or failure, wrapped in at most `maxLines`. Once the run ended a failure is
 * left out: it is printed whole below the frame (see closingText).
 */
function notice(state: RunState, columns: number, maxLines: number, run: RunPhase): Line[] {
  const n = state.notice;
  if (n === null || maxLines <= 0) return [];
  let text: string;
  let tone: Tone;
  if (n.level === "failure") {
    if (run.ended) return [];
    const step = n.step === null ? undefined : state.byId.get(n.step);
    const how = step ? ` ${step.state.replace("_", " ")}` : "";
    const isStop = step?.state === "stopped";
    text = `${isStop ? "■" : "✖"} ${n.step ?? "a step"}${how}: ${n.message}`;
    tone = isStop ? "yellow" : "red";
  } else {
    text = `⚠ ${n.step ? `${n.step}: ` : ""}${n.message}`;
    tone = "yellow";
  }
  return wrapLines(text, columns, maxLines).map((t) => ({
    kind: "text",
    parts: [{ text: t, tone }],
  }));
}

const OUTCOME_TEXT: Record<string, [string, Tone]> = {
  succeeded: ["✔ Refresh succeeded", "green"],
  failed: ["✖ Refresh failed", "red"],
  timed_out: ["⏱ Refresh timed out", "red"],
  interrupted: ["■ Refresh interrupted", "yellow"],
  error: ["✖ Refresh stopped by an error", "red"],
};

const OUTCOME_ORDER: readonly [string, string][] = [
  ["succeeded", "succeeded"],
  ["failed", "failed"],
  ["stopped", "stopped"],
  ["timed_out", "timed out"],
  ["skipped", "skipped"],
  ["not_started", "not started"],
  ["running", "left running"],
];

/**
 * The summary of the last frame: the outcome and the count of each step outcome, wrapped, never
 * cut. Why the run ended, what failed and how to resume are printed below the frame, whole.
 */
function summaryLines(state: RunState, columns: number): Line[] {
  const finish = state.finish;
  const [title, tone] = OUTCOME_TEXT[finish?.outcome ?? "error"] ?? ["Refresh ended", "bold"];
  const counts = new Map<string, number>();
  for (const s of finish?.steps ?? []) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
  const parts = OUTCOME_ORDER.flatMap(([key, word]) => {
    const n = counts.get(key) ?? 0;
    return n > 0 ? [`${n} ${word}`] : [];
  });
  const took = formatDuration(elapsedOf(state, state.finishedAt ?? 0));
  const text = [`${title} in ${took}`, ...parts].join(" · ");
  return wrapLines(text, columns).map((t, i): Line => {
    if (i > 0 || !t.startsWith(title)) return { kind: "text", parts: [{ text: t }] };
    return {
      kind: "text",
      parts: [{ text: title, tone }, { text: t.slice(title.length) }],
    };
  });
}

/** Jobs the run started and that have not ended: what quitting would stop. */
export function runningJobs(state: RunState): number {
  return state.steps.filter((s) => s.state === "creating" || s.state === "running").length;
}

function footer(
  state: RunState,
  overlay: Overlay,
  quitting: boolean,
  detached: boolean,
  columns: number,
  detachEndsRun: boolean,
): Line[] {
  if (state.finishedAt !== null) return summaryLines(state, columns);
  if (detached) return [];
  if (overlay === "confirm-quit") {
    const n = runningJobs(state);
    const ask = n > 0
      ? `Stop ${plural(n, "running job", "running jobs")} and quit? y/n`
      : "Quit? y/n";
    return [{ kind: "text", parts: [{ text: ask, tone: "yellow" }] }];
  }
  if (quitting) {
    return [{
      kind: "text",
      parts: [{
        text: "Stopping our jobs… the dashboard closes when the run ends.",
        tone: "yellow",
      }],
    }];
  }
  const keys: Part[] = [
    { text: "q", tone: "bold" },
    { text: " quit (stops our jobs) · ", tone: "dim" },
    { text: "d", tone: "bold" },
    {
      text: detachEndsRun ? " detach (ends the demo) · " : " detach (jobs keep running) · ",
      tone: "dim",
    },
    { text: "?", tone: "bold" },
    { text: overlay === "help" ? " close help" : " help", tone: "dim" },
  ];
  return [{ kind: "text", parts: keys }];
}

function help(detachEndsRun: boolean): Part[][] {
  const detach = detachEndsRun
    ? "  d          detach: ends the demo (its tenant stops with the dashboard)"
    : "  d          detach: jobs keep running in Tamr; the rest waits for --resume";
  return [
    [{ text: "Keys", tone: "bold" }],
    [{ text: "  q, Ctrl-C  quit: asks first, then stops the jobs this run started and exits" }],
    [{ text: detach }],
    [{ text: "  ?, Esc     close this help" }],
    [{ text: "Marks", tone: "bold" }],
    [{ text: "  ⠋ creating, running or stopping   " }, { text: "✔ succeeded", tone: "green" }],
    [
      { text: "  " },
      { text: "✖ failed", tone: "red" },
      { text: "   " },
      { text: "■ stopped", tone: "yellow" },
      { text: "   " },
      { text: "⏱ timed out", tone: "red" },
    ],
    [{
      text: "  ○ waiting or queued (not started, once the run ended)   – skipped (an earlier step" +
        " did not succeed)",
      tone: "dim",
    }],
    [{
      text: `  Bar: ${BAR_CHARS.succeeded} succeeded  ${BAR_CHARS.failed} failed  ` +
        `${BAR_CHARS.stopped} stopped  ${BAR_CHARS.skipped} skipped  ${BAR_CHARS.todo} to do`,
    }],
    [{ text: "  ↻N  requests for this step were retried N times", tone: "yellow" }],
  ];
}

/** Gaps (blank lines around the steps) and notice lines, from the roomiest frame to the tightest. */
function squeezes(rows: number | null): { gaps: number; notice: number }[] {
  const notice = rows === null || rows >= 20 ? 3 : 1;
  return [{ gaps: 2, notice }, { gaps: 0, notice }, { gaps: 0, notice: 1 }, { gaps: 0, notice: 0 }];
}

function layout(props: DashboardProps & { columns: number }, run: RunPhase): Line[] {
  const { state, now, columns } = props;
  const overlay = props.overlay ?? null;
  const top = header(state, now, columns, run);
  const rows = props.rows ?? null;
  const bottom = footer(
    state,
    overlay,
    props.quitting ?? false,
    props.detached ?? false,
    columns,
    props.detachEndsRun ?? false,
  );
  const helpLines = overlay === "help" && state.finishedAt === null
    ? help(props.detachEndsRun ?? false)
    : null;
  // The frame keeps one line short of the terminal (see DashboardProps.rows). Blank lines go
  // first, then notice lines: before the steps are cut, and before a problem row is left out.
  const maxLines = rows === null ? null : Math.max(1, rows - 1);
  const options = squeezes(rows);
  let chosen = options[0]!;
  let budget: number | null = null;
  if (maxLines !== null) {
    const roomOf = (o: { gaps: number; notice: number }) =>
      maxLines - top.length - bottom.length - notice(state, columns, o.notice, run).length - o.gaps;
    let need = 0;
    if (helpLines === null) {
      const phases = countPhases(state.steps, run);
      foldAll(phases);
      need = bodyHeight(phases);
    }
    const problems = helpLines === null ? problemHeight(state.steps, run) : 0;
    chosen = options.find((o) => roomOf(o) >= need) ??
      options.find((o) => o.gaps === 0 && roomOf(o) >= Math.max(3, problems)) ??
      options.at(-1)!;
    budget = Math.max(1, roomOf(chosen));
  }
  const blank: Line[] = chosen.gaps > 0 ? [{ kind: "blank" }] : [];
  const middle: Line[] = helpLines !== null
    ? helpLines.slice(0, budget ?? helpLines.length).map((parts) => ({ kind: "text", parts }))
    : body(state.steps, budget, run);
  return [
    ...top,
    ...blank,
    ...middle,
    ...blank,
    ...notice(state, columns, chosen.notice, run),
    ...bottom,
  ];
}

/**
 * What is printed below the last frame once Ink let go of the screen, when the run did not
 * succeed: why it ended, then each step that failed, timed out or was stopped by someone else,
 * with its full job id and Tamr's whole reason and message, then the command that resumes the
 * run. Plain text the terminal scrolls: nothing is cut, and an id or a path is never broken
 * across lines, so that it can be pasted into `tamr-refresh jobs get`. Empty for a success.
 */
export function closingText(state: RunState, columns: number): string {
  const finish = state.finish;
  if (finish === null || finish.outcome === "succeeded") return "";
  const width = Math.max(20, columns);
  const run = runPhaseOf(state, false);
  const lines: string[] = [];
  if (finish.message) lines.push(...wrapWords(finish.message, width));
  for (const s of state.steps) {
    if (!isProblem(s, run)) continue;
    const step = `  ${MARKS[s.state]?.text ?? "✖"} ${s.id}`;
    const job = s.jobId === null ? "" : ` · ${s.jobId}`;
    // The job id whole on a line: after the step when both fit, else on a line of its own.
    if (stringWidth(step + job) <= width || s.jobId === null) lines.push(step + job);
    else lines.push(step, `    ${s.jobId}`);
    if (s.error !== null) {
      const text = `${s.error.reason}: ${s.error.message}`;
      for (const line of wrapWords(text, width - 4)) lines.push(`    ${line}`);
    }
  }
  // On one line however long: a command broken across lines would not paste as one.
  if (finish.resumeCommand) lines.push(`Resume with: ${finish.resumeCommand}`);
  return lines.length === 0 ? "" : `\n${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Rows

interface RowWidths {
  target: number;
  job: number;
  state: number;
  elapsed: number;
  detail: number;
}

/** Tamr's state of the job, else ours; a step that never ran says so once the run ended. */
function stateText(s: StepView, run: RunPhase): string {
  if (s.state === "stopping") return "stopping";
  if (s.jobState) return s.jobState;
  if (run.ended && (s.state === "waiting" || s.state === "queued")) return "not started";
  return s.state.replace("_", " ");
}

function elapsedText(s: StepView, now: number): string {
  return s.startedAt === null ? "" : formatDuration(Math.max(0, (s.endedAt ?? now) - s.startedAt));
}

/**
 * The cells `text` takes. Every frame measures each step's target, job id and state, the same few
 * thousand strings each time, so each is measured once (string-width allocates on every call).
 */
function cellsOf(text: string): number {
  let width = measured.get(text);
  if (width === undefined) {
    if (measured.size >= 20_000) measured.clear();
    width = stringWidth(text);
    measured.set(text, width);
  }
  return width;
}
const measured = new Map<string, number>();

/**
 * Column widths shared by every row, so folding does not make the columns jump: one pass over
 * the steps, without building a list per column.
 */
function rowWidths(
  steps: readonly StepView[],
  now: number,
  columns: number,
  run: RunPhase,
): RowWidths {
  let target = 4;
  let job = 0;
  let state = 0;
  let elapsed = 5;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    target = Math.max(target, cellsOf(s.target));
    if (s.jobId !== null) job = Math.max(job, cellsOf(s.jobId));
    state = Math.max(state, cellsOf(stateText(s, run)));
    if (s.startedAt !== null) elapsed = Math.max(elapsed, elapsedText(s, now).length);
  }
  state = Math.min(12, state);
  // indent, mark and space; the gaps between columns; a little room for the details.
  const fixed = 4 + 2 + (job > 0 ? 2 : 0) + state + 2 + elapsed + 2 + 10;
  const room = Math.max(8, columns - fixed);
  if (target + job > room) {
    // The target names the step: it keeps most of the room, the job id at least 40% of it.
    const jobShare = Math.min(job, Math.max(8, Math.floor(room * 0.4)));
    const t = Math.max(4, Math.min(target, room - jobShare));
    job = job === 0 ? 0 : Math.max(4, room - t);
    target = t;
  }
  const used = 4 + target + 2 + (job > 0 ? job + 2 : 0) + state + 2 + elapsed;
  return { target, job, state, elapsed, detail: Math.max(0, columns - used) };
}

const TONES: Record<Tone, { color?: string; dimColor?: boolean; bold?: boolean }> = {
  dim: { dimColor: true },
  green: { color: "green" },
  red: { color: "red" },
  yellow: { color: "yellow" },
  cyan: { color: "cyan" },
  bold: { bold: true },
};

/** The style of a tone; none at all without colour (`NO_COLOR`: no escape codes). */
function styleOf(tone: Tone | undefined, color: boolean): (typeof TONES)[Tone] {
  return tone && color ? TONES[tone] : {};
}

function renderParts(parts: Part[], color: boolean): JSX.Element[] {
  return parts.map((p, i) => (
    <Text key={i} {...styleOf(p.tone, color)}>
      {p.text}
    </Text>
  ));
}

function renderLine(
  line: Line,
  key: number,
  w: RowWidths,
  now: number,
  run: RunPhase,
  color: boolean,
): JSX.Element {
  if (line.kind === "blank") return <Box key={key} height={1} />;
  if (line.kind === "text") {
    return <Text key={key} wrap="truncate-end">{renderParts(line.parts, color)}</Text>;
  }
  const s = line.step;
  // Plain values only, so that a row whose text has not changed is not rendered again, whether
  // the step is a new object or the same one updated in place.
  return (
    <StepRow
      key={s.id}
      state={s.state}
      target={s.target}
      jobId={s.jobId}
      stateText={stateText(s, run)}
      elapsed={elapsedText(s, now)}
      retries={s.retries}
      reason={s.error && PROBLEM.has(s.state) ? s.error.reason : null}
      attached={s.attached}
      targetWidth={w.target}
      jobWidth={w.job}
      stateWidth={w.state}
      elapsedWidth={w.elapsed}
      detailWidth={w.detail}
      color={color}
    />
  );
}

interface StepRowProps {
  state: StepState;
  target: string;
  jobId: string | null;
  stateText: string;
  elapsed: string;
  retries: number;
  /** Tamr's reason, shown for a problem. */
  reason: string | null;
  attached: boolean;
  targetWidth: number;
  jobWidth: number;
  stateWidth: number;
  elapsedWidth: number;
  detailWidth: number;
  color: boolean;
}

/** One step: its mark, target, job id, state and elapsed time in columns, then what fits of its details. */
const StepRow = memo(function StepRow(p: StepRowProps): JSX.Element {
  const mark = MARKS[p.state];
  const cells = [
    fit(p.target, p.targetWidth),
    ...(p.jobWidth > 0 ? [fit(p.jobId ?? "", p.jobWidth)] : []),
    fit(p.stateText, p.stateWidth),
    fit(p.elapsed, p.elapsedWidth, "right"),
  ].join("  ");
  const parts: Part[] = [];
  if (p.retries > 0) parts.push({ text: `↻${p.retries}`, tone: "yellow" });
  if (p.reason !== null) parts.push({ text: p.reason, tone: "red" });
  if (p.attached) parts.push({ text: "attached", tone: "dim" });
  let room = p.detailWidth;
  const details: Part[] = [];
  for (const part of parts) {
    const sep = details.length === 0 ? "  " : " ";
    if (room <= sep.length + 1) break;
    const text = cliTruncate(part.text, room - sep.length);
    details.push({ ...part, text: sep + text });
    room -= sep.length + stringWidth(text);
  }
  const dim = INACTIVE.has(p.state) ? styleOf("dim", p.color) : {};
  return (
    <Box>
      <Box width={2} flexShrink={0} />
      {mark === null
        ? <Spinner color={p.color} />
        : <Text {...styleOf(mark.tone, p.color)}>{mark.text}</Text>}
      <Text wrap="truncate-end">
        <Text {...dim}>{details.length > 0 ? ` ${cells}` : ` ${cells}`.trimEnd()}</Text>
        {renderParts(details, p.color)}
      </Text>
    </Box>
  );
});
