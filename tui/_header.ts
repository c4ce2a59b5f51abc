/** The top of the frame: the title, then the bar and the counts. */
import stringWidth from "string-width";
import { formatDuration } from "../lib/kit/duration.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { BAR_CHARS, type BarPart, barParts, plural } from "./_format.ts";
import type { Line, Part, Tone } from "./_line.ts";
import type { RunPhase } from "./_run_phase.ts";

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
 * The title, then the bar and the counts: `██████✖✖–––––––– 4/9 succeeded · 1.6s · 1 failed ·
 * 4 skipped`. The bar is all `█` only when every step succeeded; steps still to run (or, once the
 * run ended, never started) are `░`.
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
