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
import { progress } from "../lib/kit/run/summary.ts";
import { bar, fit, plural, wrapLines } from "./_format.ts";

export type Overlay = "help" | "confirm-quit" | null;

export interface DashboardProps {
  state: RunState;
  /** The time the frame shows, in milliseconds since the epoch (elapsed times count to it). */
  now: number;
  /** Terminal height: when given, finished rows fold so the whole view fits. */
  rows?: number | undefined;
  /** Terminal width; every line is kept within it. Default 80. */
  columns?: number | undefined;
  overlay?: Overlay | undefined;
  /** The user confirmed quitting: the run is stopping its jobs. */
  quitting?: boolean | undefined;
  /** The user detached: the last frame stays, without the keys, which no longer work. */
  detached?: boolean | undefined;
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
 * The live dashboard: a pure function of the view state, the time and the terminal size. Only the
 * lines that fit are built: with 1,000 sources a frame holds a few dozen rows, not 1,000.
 */
export function Dashboard(props: DashboardProps): JSX.Element {
  const columns = Math.max(20, props.columns ?? 80);
  const lines = layout({ ...props, columns });
  const widths = rowWidths(props.state.steps, props.now, columns);
  const spinning = lines.some((l) => l.kind === "step" && MARKS[l.step.state] === null);
  return (
    <SpinnerClock active={spinning}>
      <Box flexDirection="column" width={columns}>
        {lines.map((line, i) => renderLine(line, i, widths, props.now))}
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

function Spinner(): JSX.Element {
  return <Text color="blue">{SPINNER.frames[useContext(SpinnerFrame)]}</Text>;
}

// ---------------------------------------------------------------------------------------------
// Layout: which lines the frame has, so that it fits `rows`.

type FoldCategory = "succeeded" | "skipped" | "waiting";
const FOLD_ORDER: readonly FoldCategory[] = ["succeeded", "skipped", "waiting"];
const FOLD_MARK: Record<FoldCategory, Part> = {
  succeeded: { text: "✔", tone: "green" },
  skipped: { text: "–", tone: "dim" },
  waiting: { text: "○", tone: "dim" },
};

function categoryOf(state: StepState): FoldCategory | null {
  if (state === "succeeded") return "succeeded";
  if (state === "skipped") return "skipped";
  if (state === "waiting" || state === "queued") return "waiting";
  return null;
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
function countPhases(steps: readonly StepView[]): Phase[] {
  const phases = new Map<StepKind, Phase>(PHASES.map((kind) => [kind, {
    kind,
    steps: 0,
    counts: { succeeded: 0, skipped: 0, waiting: 0 },
    folded: new Set(),
  }]));
  // Indexed loops over the steps here and below: they run for every step on every frame.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const phase = phases.get(s.kind)!;
    phase.steps++;
    const category = categoryOf(s.state);
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
 * first), the rows in plan order, then the counts of skipped and waiting steps (still to come).
 */
function phaseLines(phases: Phase[], steps: readonly StepView[], shown: Shown): Line[] {
  const rows = new Map<StepKind, Line[]>(phases.map((p) => [p.kind, []]));
  const byKind = new Map(phases.map((p) => [p.kind, p]));
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const p = byKind.get(s.kind);
    if (p === undefined) continue;
    const category = categoryOf(s.state);
    if ((category === null || !p.folded.has(category)) && shown(s)) {
      rows.get(s.kind)!.push({ kind: "step", step: s });
    }
  }
  return phases.flatMap((p) => [
    { kind: "text", parts: [{ text: HEADINGS[p.kind], tone: "bold" }] },
    ...(p.folded.has("succeeded") ? [foldLine(p, "succeeded")] : []),
    ...rows.get(p.kind)!,
    ...(p.folded.has("skipped") ? [foldLine(p, "skipped")] : []),
    ...(p.folded.has("waiting") ? [foldLine(p, "waiting")] : []),
  ]);
}

/** `  ✔ 600 sources succeeded`. */
function foldLine(p: Phase, category: FoldCategory): Line {
  const [one, many] = NOUNS[p.kind];
  return {
    kind: "text",
    parts: [
      { text: "  " },
      FOLD_MARK[category],
      { text: ` ${plural(p.counts[category], one, many)} ${category}`, tone: "dim" },
    ],
  };
}

/** Lower ranks stay visible longest: problems, then running jobs, then the rest. */
function rank(step: StepView): number {
  if (PROBLEM.has(step.state)) return 0;
  if (ACTIVE.has(step.state)) return 1;
  return 2;
}

/** How many steps are in each state, in words: running, succeeded, waiting, failed… */
function countWords(steps: readonly StepView[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of steps) {
    const word = ACTIVE.has(s.state) ? "running" : categoryOf(s.state) ?? s.state.replace("_", " ");
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** `… and 3 more running`, or `… and 5 more (2 running, 3 waiting)`. */
function moreLine(hidden: StepView[]): Line {
  const counts = countWords(hidden);
  const only = counts.size === 1 ? [...counts.keys()][0] : undefined;
  const text = only !== undefined
    ? `… and ${hidden.length} more ${only}`
    : `… and ${hidden.length} more (${[...counts].map(([w, n]) => `${n} ${w}`).join(", ")})`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}

/**
 * The step list in at most `budget` lines: categories fold into count lines (succeeded first,
 * then skipped, then waiting) in every phase holding two or more of them, until it fits. Only
 * counts are kept for folded steps; rows are built for the steps that show.
 */
function body(steps: readonly StepView[], budget: number | null): Line[] {
  const phases = countPhases(steps);
  const all: Shown = () => true;
  if (budget === null) return phaseLines(phases, steps, all);
  for (const category of FOLD_ORDER) {
    if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all);
    for (const p of phases) if (p.counts[category] >= 2) p.folded.add(category);
  }
  if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all);

  // Even folded it does not fit: keep as many rows as fit with a line counting the rest, problems
  // first, then running jobs. A phase shows its heading while it has a count line or a kept row.
  const rows = phases.flatMap((p) =>
    steps.filter((s) => {
      const category = categoryOf(s.state);
      return s.kind === p.kind && (category === null || !p.folded.has(category));
    })
  );
  const byRank = rows.map((step, i) => ({ step, i }))
    .sort((a, b) => rank(a.step) - rank(b.step) || a.i - b.i)
    .map((r) => r.step);
  const headed = new Set(phases.filter((p) => p.folded.size > 0).map((p) => p.kind));
  let height = phases.reduce((n, p) => n + (p.folded.size > 0 ? 1 + p.folded.size : 0), 0);
  if (height + 1 > budget) return [summaryOfSteps(steps)];
  let keep = 0;
  // At least one row is left out, or the "… and N more" line would count nothing.
  while (keep < byRank.length - 1) {
    const next = byRank[keep]!;
    const more = headed.has(next.kind) ? 1 : 2;
    if (height + more + 1 > budget) break;
    height += more;
    headed.add(next.kind);
    keep++;
  }
  const kept = new Set(byRank.slice(0, keep));
  const shownPhases = phases.filter((p) => headed.has(p.kind));
  return [...phaseLines(shownPhases, steps, (s) => kept.has(s)), moreLine(byRank.slice(keep))];
}

/** `202 steps: 194 succeeded, 2 running, 1 failed, 5 waiting`, for the smallest terminals. */
function summaryOfSteps(steps: readonly StepView[]): Line {
  const counts = countWords(steps);
  const text = `${plural(steps.length, "step", "steps")}: ${
    [...counts].map(([w, n]) => `${n} ${w}`).join(", ")
  }`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}

function elapsedOf(state: RunState, now: number): number {
  if (state.startedAt === null) return 0;
  return Math.max(0, (state.finishedAt ?? now) - state.startedAt);
}

function header(state: RunState, now: number): Line[] {
  const title: Part[] = [{ text: "tamr-refresh", tone: "bold" }];
  if (state.startedAt === null) {
    return [{ kind: "text", parts: [...title, { text: " · starting…", tone: "dim" }] }, {
      kind: "blank",
    }];
  }
  title.push({ text: ` · tenant ${state.tenant} · data product ${state.dataProduct}` });
  const p = progress(state);
  const { failed, stopped } = p;
  const status: Part[] = [
    { text: bar(p.done, p.total, 20), tone: failed > 0 ? "red" : stopped > 0 ? "yellow" : "green" },
    { text: ` ${p.done}/${p.total} steps · ${formatDuration(elapsedOf(state, now))}` },
  ];
  if (failed > 0) status.push({ text: ` · ${failed} failed`, tone: "red" });
  if (stopped > 0) status.push({ text: ` · ${stopped} stopped`, tone: "yellow" });
  if (state.retries > 0) {
    status.push({ text: ` · ↻${plural(state.retries, "retry", "retries")}`, tone: "yellow" });
  }
  if (state.warnings > 0) {
    status.push({ text: ` · ${plural(state.warnings, "warning", "warnings")}`, tone: "yellow" });
  }
  return [{ kind: "text", parts: title }, { kind: "text", parts: status }];
}

function notice(state: RunState, columns: number, maxLines: number): Line[] {
  const n = state.notice;
  if (n === null) return [];
  let text: string;
  let tone: Tone;
  if (n.level === "failure") {
    const step = state.steps.find((s) => s.id === n.step);
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

function summaryLines(state: RunState, columns: number): Line[] {
  const finish = state.finish;
  const [title, tone] = OUTCOME_TEXT[finish?.outcome ?? "error"] ?? ["Refresh ended", "bold"];
  const counts = new Map<string, number>();
  for (const s of finish?.steps ?? []) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
  const parts = OUTCOME_ORDER.flatMap(([key, word]) => {
    const n = counts.get(key) ?? 0;
    return n > 0 ? [`${n} ${word}`] : [];
  });
  const total = formatDuration(elapsedOf(state, state.finishedAt ?? 0));
  const lines: Line[] = [{
    kind: "text",
    parts: [{ text: title, tone: "bold" }, {
      text: ` · ${[...parts, `${total} total`].join(" · ")}`,
    }],
  }];
  if (finish?.message) {
    for (const t of wrapLines(finish.message, columns, 2)) {
      lines.push({ kind: "text", parts: [{ text: t, tone }] });
    }
  }
  if (finish?.resumeCommand) {
    for (const t of wrapLines(`Resume with: ${finish.resumeCommand}`, columns, 3)) {
      lines.push({ kind: "text", parts: [{ text: t, tone: "cyan" }] });
    }
  }
  return lines;
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
    { text: " detach (jobs keep running) · ", tone: "dim" },
    { text: "?", tone: "bold" },
    { text: overlay === "help" ? " close help" : " help", tone: "dim" },
  ];
  return [{ kind: "text", parts: keys }];
}

const HELP: readonly Part[][] = [
  [{ text: "Keys", tone: "bold" }],
  [{ text: "  q, Ctrl-C  quit: asks first, then stops the jobs this run started and exits" }],
  [{ text: "  d          detach: close the dashboard; the jobs keep running in Tamr" }],
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
  [{ text: "  ○ waiting or queued   – skipped (an earlier step did not succeed)", tone: "dim" }],
  [{ text: "  ↻N  requests for this step were retried N times", tone: "yellow" }],
];

function layout(props: DashboardProps & { columns: number }): Line[] {
  const { state, now, columns } = props;
  const overlay = props.overlay ?? null;
  const top = header(state, now);
  const rows = props.rows ?? null;
  const noticeLines = rows === null || rows >= 20 ? 3 : 1;
  const bottom = [
    ...notice(state, columns, noticeLines),
    ...footer(state, overlay, props.quitting ?? false, props.detached ?? false, columns),
  ];
  let gaps = 2;
  if (rows !== null && rows - top.length - bottom.length - gaps < 3) gaps = 0;
  const budget = rows === null ? null : Math.max(1, rows - top.length - bottom.length - gaps);
  const blank: Line[] = gaps > 0 ? [{ kind: "blank" }] : [];
  const middle: Line[] = overlay === "help" && state.finishedAt === null
    ? HELP.slice(0, budget ?? HELP.length).map((parts) => ({ kind: "text", parts }))
    : body(state.steps, budget);
  return [...top, ...blank, ...middle, ...blank, ...bottom];
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

function stateText(s: StepView): string {
  if (s.state === "stopping") return "stopping";
  if (s.jobState) return s.jobState;
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
function rowWidths(steps: readonly StepView[], now: number, columns: number): RowWidths {
  let target = 4;
  let job = 0;
  let state = 0;
  let elapsed = 5;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    target = Math.max(target, cellsOf(s.target));
    if (s.jobId !== null) job = Math.max(job, cellsOf(s.jobId));
    state = Math.max(state, cellsOf(stateText(s)));
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

function renderParts(parts: Part[]): JSX.Element[] {
  return parts.map((p, i) => (
    <Text key={i} {...(p.tone ? TONES[p.tone] : {})}>
      {p.text}
    </Text>
  ));
}

function renderLine(line: Line, key: number, w: RowWidths, now: number): JSX.Element {
  if (line.kind === "blank") return <Box key={key} height={1} />;
  if (line.kind === "text") {
    return <Text key={key} wrap="truncate-end">{renderParts(line.parts)}</Text>;
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
      stateText={stateText(s)}
      elapsed={elapsedText(s, now)}
      retries={s.retries}
      reason={s.error && PROBLEM.has(s.state) ? s.error.reason : null}
      attached={s.attached}
      targetWidth={w.target}
      jobWidth={w.job}
      stateWidth={w.state}
      elapsedWidth={w.elapsed}
      detailWidth={w.detail}
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
  const dim = INACTIVE.has(p.state) ? TONES.dim : {};
  return (
    <Box>
      <Box width={2} flexShrink={0} />
      {mark === null ? <Spinner /> : <Text {...TONES[mark.tone ?? "dim"]}>{mark.text}</Text>}
      <Text wrap="truncate-end">
        <Text {...dim}>{details.length > 0 ? ` ${cells}` : ` ${cells}`.trimEnd()}</Text>
        {renderParts(details)}
      </Text>
    </Box>
  );
});
