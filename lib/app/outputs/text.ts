import type { FinishEvent, RunEvent, StepEvent } from "../../kit/run/events.ts";
import { formatDuration } from "../../kit/duration.ts";
import { sourcesAtOnce } from "./plan_text.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import { timeOfDay } from "./time_text.ts";

/** Writes one plain line per state change and a summary table at the end. */
export function createTextReporter(
  write: (text: string) => void,
  options: { verbose?: boolean } = {},
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
          }\n`,
        );
        return;
      case "warning":
        write(`${time} warning: ${event.message}\n`);
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
        write(summaryTable(event, state.startedAt));
        return;
    }
  };
}

function stepLabel(e: StepEvent): string {
  const tamr = e.jobState ? ` (${e.jobState})` : "";
  const err = e.error ? `: ${e.error.reason}: ${e.error.message}` : "";
  const attached = e.attached ? " (attached to an existing job)" : "";
  return `${e.state}${tamr}${attached}${err}`;
}

/** The end-of-run table: each step's outcome and duration, then the outcome sentence. */
export function summaryTable(finish: FinishEvent, startedAt: number | null): string {
  const rows = finish.steps.map((s) => [
    s.step,
    s.jobId ?? "-",
    s.outcome,
    s.durationMs === null ? "-" : formatDuration(s.durationMs),
  ]);
  const header = ["step", "job", "outcome", "duration"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const total = startedAt !== null
    ? ` in ${formatDuration(Date.parse(finish.time) - startedAt)}`
    : "";
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
