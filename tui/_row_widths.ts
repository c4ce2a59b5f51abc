/**
 * The rows' columns: the text of a step's state and elapsed time (against its usual duration
 * while it runs, `3m12s / ~5m`), and the widths every row shares.
 */
import stringWidth from "string-width";
import { formatDuration } from "../lib/kit/duration.ts";
import type { StepView } from "../lib/kit/run/run_state.ts";
import { expectedText } from "../lib/app/outputs/eta_text.ts";
import { ACTIVE } from "./_marks.ts";
import type { RunPhase } from "./_run_phase.ts";

export interface RowWidths {
  target: number;
  job: number;
  state: number;
  elapsed: number;
  detail: number;
  /** Running rows show their usual duration beside the elapsed time (when there is room). */
  expected: boolean;
}

/**
 * The ids keep at least this many cells (or all they need, when less) before the elapsed column
 * gives up the usual durations for them.
 */
const IDS_BEFORE_EXPECTED = 24;

/** Tamr's state of the job, else ours; a step that never ran says so once the run ended. */
export function stateText(s: StepView, run: RunPhase): string {
  if (s.state === "stopping") return "stopping";
  if (s.jobState) return s.jobState;
  if (run.ended && (s.state === "waiting" || s.state === "queued")) return "not started";
  return s.state.replace("_", " ");
}

/**
 * How long the step has run, counted to `now` while it runs; empty before it started. With
 * `expected`, a running step that usually takes a known time says it: `3m12s / ~5m`.
 */
export function elapsedText(s: StepView, now: number, expected = false): string {
  if (s.startedAt === null) return "";
  const took = formatDuration(Math.max(0, (s.endedAt ?? now) - s.startedAt));
  if (!expected || s.expectedMs === null || !ACTIVE.has(s.state)) return took;
  return `${took} / ${expectedText(s.expectedMs)}`;
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
export function rowWidths(
  steps: readonly StepView[],
  now: number,
  columns: number,
  run: RunPhase,
): RowWidths {
  let target = 4;
  let job = 0;
  let state = 0;
  let elapsed = 5;
  let withExpected = 5;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    target = Math.max(target, cellsOf(s.target));
    if (s.jobId !== null) job = Math.max(job, cellsOf(s.jobId));
    state = Math.max(state, cellsOf(stateText(s, run)));
    if (s.startedAt === null) continue;
    elapsed = Math.max(elapsed, elapsedText(s, now).length);
    if (s.expectedMs !== null) {
      withExpected = Math.max(withExpected, elapsedText(s, now, true).length);
    }
  }
  state = Math.min(12, state);
  // The usual durations only where the ids keep their room (or IDS_BEFORE_EXPECTED cells).
  const fixedWith = (e: number) => 4 + 2 + (job > 0 ? 2 : 0) + state + 2 + e + 2 + 10;
  const expected = !run.ended && withExpected > elapsed &&
    columns - fixedWith(withExpected) >= Math.min(target + job, IDS_BEFORE_EXPECTED);
  if (expected) elapsed = Math.max(elapsed, withExpected);
  // indent, mark and space; the gaps between columns; a little room for the details.
  const room = Math.max(8, columns - fixedWith(elapsed));
  if (target + job > room) {
    // The target names the step: it keeps most of the room, the job id at least 40% of it.
    const jobShare = Math.min(job, Math.max(8, Math.floor(room * 0.4)));
    const t = Math.max(4, Math.min(target, room - jobShare));
    job = job === 0 ? 0 : Math.max(4, room - t);
    target = t;
  }
  const used = 4 + target + 2 + (job > 0 ? job + 2 : 0) + state + 2 + elapsed;
  return { target, job, state, elapsed, detail: Math.max(0, columns - used), expected };
}
