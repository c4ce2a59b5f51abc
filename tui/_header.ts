/** The top of the frame: the title, then the bar and the counts. */
import stringWidth from "string-width";
import { formatDuration } from "../lib/kit/duration.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { BAR_CHARS, type BarPart, barParts, plural } from "./_format.ts";
import type { Line, Part, Tone } from "./_line.ts";
import type { RunPhase } from "./_run_phase.ts";
import { type RunEta, runEta } from "../lib/kit/run/eta.ts";
import { endText } from "../lib/app/outputs/eta_text.ts";

/** How long the run has taken, counted to `now` while it goes on. */
export function elapsedOf(state: RunState, now: number): number {
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
 * The title, then the bar and the counts: `██████✖✖–––––––– 4/9 succeeded · 1.6s · ends ~14:32
 * (in 12m) · 1 failed · 4 skipped`. The bar is all `█` only when every step succeeded; steps still
 * to run (or, once the run ended, never started) are `░`. The expected end shows while the run goes
 * on and earlier runs tell how long its steps take; shortened, then left out, when the line is
 * too narrow for it.
 */
export function header(state: RunState, now: number, columns: number, run: RunPhase): Line[] {
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
  const countsWidth = counts.reduce((n, p) => n + stringWidth(p.text), 0);
  const end = run.ended || run.interrupted ? null : endPart(state, now, columns - 10 - countsWidth);
  if (end !== null) counts.splice(1, 0, end); // right after the time so far
  return [{ kind: "text", parts: title }, { kind: "text", parts: bar(state, counts, columns) }];
}

/**
 * ` · ends ~14:32 (in 12m)` (or ` · ends after ~14:32 (12m+)` when some steps are unknown), or
 * without the part in parentheses, whichever fits in `room` cells; null when neither does or the
 * end is unknown.
 */
function endPart(state: RunState, now: number, room: number): Part | null {
  const eta = etaOf(state, now);
  for (const short of [false, true]) {
    const text = endText(eta, { short });
    if (text !== null && stringWidth(` · ends ${text}`) <= room) {
      return { text: ` · ends ${text}`, tone: eta.lowerBound ? "dim" : "cyan" };
    }
  }
  return null;
}

/** The last expected end worked out for each run state: the second, whether it ended, the answer. */
const etas = new WeakMap<RunState, { second: number; finished: boolean; eta: RunEta }>();

/**
 * The run's expected end, worked out at most once a second (and at once when the run ends): with
 * a thousand steps it is a list schedule of them all, and a frame comes six times a second.
 */
function etaOf(state: RunState, now: number): RunEta {
  const second = Math.floor(now / 1000);
  const finished = state.finishedAt !== null;
  const last = etas.get(state);
  if (last && last.second === second && last.finished === finished) return last.eta;
  const eta = runEta(state, now);
  etas.set(state, { second, finished, eta });
  return eta;
}

/** The bar, as wide as the counts leave room for (10 to 20 cells), then the counts. */
function bar(state: RunState, counts: Part[], columns: number): Part[] {
  const c = state.counts;
  const total = state.steps.length;
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
  return [
    ...parts.map(([part, cells]): Part => ({
      text: BAR_CHARS[part].repeat(cells),
      tone: BAR_TONES[part],
    })),
    ...counts,
  ];
}
