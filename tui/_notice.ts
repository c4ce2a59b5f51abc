/** The notice: the run's latest warning or failure, below the steps. */
import type { RunState } from "../lib/kit/run/run_state.ts";
import { wrapLines } from "./_format.ts";
import type { Line, Tone } from "./_line.ts";
import type { RunPhase } from "./_run_phase.ts";

/**
 * The latest warning or failure, wrapped in at most `maxLines`. Once the run ended a failure is
 * left out: it is printed whole below the frame (see closingText).
 */
export function notice(state: RunState, columns: number, maxLines: number, run: RunPhase): Line[] {
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
