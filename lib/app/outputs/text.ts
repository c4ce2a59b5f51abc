import type { FinishEvent, RunEvent, StepEvent } from "../../kit/run/events.ts";
import { formatDuration } from "../../kit/duration.ts";
import { sourcesAtOnce } from "./plan_text.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import { timeOfDay } from "./time_text.ts";
import { isSlowerThanUsual } from "../../kit/run/slower_than_usual.ts";
import { runTimeMs } from "../../kit/run/summary.ts";
import { endText, expectedText } from "./eta_text.ts";
import { etaNotes } from "./eta_notes.ts";
import type { RunEta } from "../../kit/run/eta.ts";

/**
 * Writes one plain line per state change and a summary table at the end; running lines say how
 * long the step usually takes, and a line says the run's expected end when it is first known and
 * when it moved a lot.
 */
export function createTextReporter(
  write: (text: string) => void,
  options: { verbose?: boolean } = {},
): (event: RunEvent, state: RunState) => void {
  const lines = eventLines(write, options);
  const eta = etaNotes();
  return (event, state) => {
    lines(event, state);
    const end = eta(event, state);
    if (end !== null) write(endLine(Date.parse(event.time), end));
  };
}

/** `12:00:00 expected end ~12:37 (in 37m)`: said when first known and when it moved a lot. */
function endLine(time: number, eta: RunEta): string {
  const unknown = eta.lowerBound
    ? `; ${plural(eta.unknownSteps, "step has", "steps have")} no earlier durations`
    : "";
  return `${timeOfDay(time)} expected end ${endText(eta) ?? "unknown"}${unknown}\n`;
}

/** The line (or the table) each event makes. */
function eventLines(
  write: (text: string) => void,
  options: { verbose?: boolean },
): (event: RunEvent, state: RunState) => void {
  let stepWidth = 20;
  const jobWidth = 20;
  return (event, state) => {
    const time = timeOfDay(Date.parse(event.time));
    switch (event.type) {
      case "start":
        stepWidth = Math.max(20, ...event.steps.map((s) => s.step.length));
        write(
          `${time} refreshing ${event.dataProduct} on ${event.tenant} (${event.baseUrl}): ${event.steps.length} steps, ${
            sourcesAtOnce(event.concurrency, event.steps.filter((s) => s.kind === "load").length)
          }\n`,
        );
        return;
      case "step":
        write(
          `${time} ${event.step.padEnd(stepWidth)} ${(event.jobId ?? "-").padEnd(jobWidth)} ${
            stepLabel(event)
          }${expectation(event, state)}\n`,
        );
        return;
      case "warning":
        write(`${time} warning: ${event.step ? `${event.step}: ` : ""}${event.message}\n`);
        return;
      case "retry":
        if (options.verbose) {
          write(
            `${time} retry ${event.method} ${event.path} (${event.reason}) in ${
              formatDuration(event.delayMs)
            }, attempt ${event.attempt + 1}\n`,
          );
        }
        return;
      case "finish":
        write(summaryTable(event, state));
        return;
    }
  };
}

/**
 * On a running line: `, usually ~5m`, and `, slower than usual` once it is; on a succeeded line,
 * `, took longer than usual` when its job took longer on Tamr than the same rule allows.
 */
function expectation(e: StepEvent, state: RunState): string {
  const view = state.byId.get(e.step);
  if (e.state === "succeeded") {
    return view && isSlowerThanUsual(view, Date.parse(e.time)) ? ", took longer than usual" : "";
  }
  if (e.state !== "running") return "";
  const expected = e.expectedMs ?? view?.expectedMs ?? null;
  if (expected === null) return "";
  const slow = view && isSlowerThanUsual(view, Date.parse(e.time)) ? ", slower than usual" : "";
  return `, usually ${expectedText(expected)}${slow}`;
}

/** ` in 23s`, or for a resumed run ` in 23s (this part 12s)`; empty when unknown. */
export function tookText(t: ReturnType<typeof runTimeMs>): string {
  if (t === null) return "";
  const part = t.resumed ? ` (this part ${formatDuration(t.partMs)})` : "";
  return ` in ${formatDuration(t.totalMs)}${part}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function stepLabel(e: StepEvent): string {
  const tamr = e.jobState ? ` (${e.jobState})` : "";
  const err = e.error ? `: ${e.error.reason}: ${e.error.message}` : "";
  const attached = e.attached ? " (attached to an existing job)" : "";
  return `${e.state}${tamr}${attached}${err}`;
}

/**
 * The end-of-run table: each step's outcome and duration, then the outcome sentence with the
 * whole run's time (a resumed run's: all its parts, and this one's: `in 23s (this part 12s)`).
 */
export function summaryTable(
  finish: FinishEvent,
  state: Pick<RunState, "startedAt" | "finishedAt" | "earlierMs">,
): string {
  const rows = finish.steps.map((s) => [
    s.step,
    s.jobId ?? "-",
    s.outcome,
    s.durationMs === null ? "-" : formatDuration(s.durationMs),
  ]);
  const header = ["step", "job", "outcome", "duration"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const total = tookText(runTimeMs(state, Date.parse(finish.time)));
  const out = [
    "",
    line(header),
    ...rows.map(line),
    "",
    `Run ${finish.outcome.replace("_", " ")}${total} (exit ${finish.exitCode}): ${
      finish.message ?? ""
    }`,
  ];
  if (finish.resumeCommand) out.push(`Resume with: ${finish.resumeCommand}`);
  return out.join("\n") + "\n";
}
