/** The bottom of the frame: the keys, or what takes their place. */
import type { RunState } from "../lib/kit/run/run_state.ts";
import { plural } from "./_format.ts";
import type { Line, Part } from "./_line.ts";
import type { Overlay } from "./dashboard_props.ts";
import { summaryLines } from "./_summary.ts";

/** Jobs the run started and that have not ended: what quitting would stop. */
export function runningJobs(state: RunState): number {
  return activeSteps(state).length;
}

/** The steps being created or running: the ones quitting would stop. */
function activeSteps(state: RunState) {
  return state.steps.filter((s) => s.state === "creating" || s.state === "running");
}

/** The quit question: how many jobs quitting stops, and those of another run it leaves alone. */
function quitQuestion(state: RunState): string {
  const active = activeSteps(state);
  const others = active.filter((s) => s.otherRun).length;
  const ours = active.length - others;
  const left = others === 0
    ? ""
    : ` (${plural(others, "job", "jobs")} of another run ${
      others === 1 ? "keeps" : "keep"
    } running)`;
  return ours > 0
    ? `Stop ${plural(ours, "running job", "running jobs")}${left} and quit? y/n`
    : `Quit${left}? y/n`;
}

/**
 * The last lines of the frame: the summary once the run ended; nothing once detached; else the quit
 * question, the word that the run is stopping its jobs, or the keys.
 */
export function footer(
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
    return [{ kind: "text", parts: [{ text: quitQuestion(state), tone: "yellow" }] }];
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
