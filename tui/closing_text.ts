/** What is printed below the last frame, once the dashboard let go of the screen. */
import stringWidth from "string-width";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { wrapWords } from "./_format.ts";
import { MARKS } from "./_marks.ts";
import { isProblem, runPhaseOf } from "./_run_phase.ts";

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
