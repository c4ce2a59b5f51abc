/** The summary that ends the last frame, in place of the keys. */
import { formatDuration } from "../lib/kit/duration.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { wrapLines } from "./_format.ts";
import type { Line, Tone } from "./_line.ts";
import { runTimeMs } from "../lib/kit/run/summary.ts";

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

/** `23s`, or for a resumed run the whole run's and this part's: `23s (this part 12s)`. */
function tookText(state: RunState): string {
  const t = runTimeMs(state, state.finishedAt ?? 0);
  if (t === null) return formatDuration(0);
  const part = t.resumed ? ` (this part ${formatDuration(t.partMs)})` : "";
  return `${formatDuration(t.totalMs)}${part}`;
}

/**
 * The summary of the last frame: the outcome and the count of each step outcome, wrapped, never
 * cut. Why the run ended, what failed and how to resume are printed below the frame, whole.
 */
export function summaryLines(state: RunState, columns: number): Line[] {
  const finish = state.finish;
  const [title, tone] = OUTCOME_TEXT[finish?.outcome ?? "error"] ?? ["Refresh ended", "bold"];
  const counts = new Map<string, number>();
  for (const s of finish?.steps ?? []) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
  const parts = OUTCOME_ORDER.flatMap(([key, word]) => {
    const n = counts.get(key) ?? 0;
    return n > 0 ? [`${n} ${word}`] : [];
  });
  const text = [`${title} in ${tookText(state)}`, ...parts].join(" · ");
  return wrapLines(text, columns).map((t, i): Line => {
    if (i > 0 || !t.startsWith(title)) return { kind: "text", parts: [{ text: t }] };
    return {
      kind: "text",
      parts: [{ text: title, tone }, { text: t.slice(title.length) }],
    };
  });
}
