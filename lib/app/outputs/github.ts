/**
 * GitHub Actions output, folded from the run's view state: a Markdown summary for
 * `$GITHUB_STEP_SUMMARY` (a table of the steps, then the timeline as a Mermaid gantt chart, which
 * GitHub renders) and one `::error` workflow command per step that did not succeed.
 */
import { formatDuration } from "../../kit/duration.ts";
import type { StepOutcome } from "../../kit/run/events.ts";
import { endTookText, type EndView } from "./end_view.ts";
import { mermaidGantt } from "./mermaid.ts";

/**
 * The longest Mermaid chart the summary holds: GitHub's Mermaid refuses a diagram over 50,000
 * characters ("Maximum text size in diagram exceeded"); a bigger run drops the waits, then the chart.
 */
export const MAX_MERMAID_CHARS = 45_000;

/** GitHub shows at most 10 error annotations per step; more would be dropped silently. */
export const MAX_ANNOTATIONS = 10;

const MARK: Record<StepOutcome, string> = {
  succeeded: "✅",
  failed: "❌",
  stopped: "⏹️",
  timed_out: "⏱️",
  skipped: "⏭️",
  not_started: "➖",
  running: "🔄",
};

/** Text for a Markdown table cell: no line breaks, no column breaks, no raw HTML. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n|\r/g, " ");
}

/** An ID shown as code, unless it holds a backtick (then as escaped text). */
function code(text: string): string {
  return text.includes("`") ? cell(text) : `\`${text.replace(/\|/g, "\\|")}\``;
}

/** The Markdown appended to `$GITHUB_STEP_SUMMARY`: a heading, the outcome and one row per step. */
export function stepSummaryMarkdown(view: EndView): string {
  const total = endTookText(view);
  const outcome = view.outcome ?? "ended";
  const lines = [
    `### tamr-refresh: ${cell(view.dataProduct || "run")} on ${cell(view.tenant || "?")}`,
    "",
    `**${outcome === "succeeded" ? "✅" : "❌"} Run ${outcome}${total}** (exit ${
      view.exitCode ?? "?"
    })${view.message ? `: ${cell(view.message)}` : ""}`,
    "",
    "| Step | Job | Outcome | Duration | Error |",
    "| --- | --- | --- | --- | --- |",
    ...view.steps.map((s) =>
      `| ${code(s.step)} | ${s.jobId === null ? "–" : code(s.jobId)} | ${MARK[s.outcome]} ${
        s.outcome.replace("_", " ")
      } | ${s.durationMs === null ? "–" : formatDuration(s.durationMs)} | ${
        s.error ? `${code(s.error.reason)} ${cell(s.error.message)}` : ""
      } |`
    ),
  ];
  if (view.resumeCommand) {
    lines.push("", `Resume with: ${code(view.resumeCommand)}`);
  }
  const timeline = timelineMarkdown(view);
  return lines.join("\n") + "\n\n" + (timeline ? `${timeline}\n` : "");
}

/**
 * The run's timeline for the summary: a heading and a Mermaid gantt chart (waits for a slot and
 * running apart, trouble marked), or a sentence when the run is too big for one; "" when no step
 * began.
 */
export function timelineMarkdown(view: EndView): string {
  const timeline = view.timeline ?? [];
  if (timeline.length === 0) return "";
  const options = {
    title: `${view.dataProduct || "run"} on ${view.tenant || "?"} (UTC)`,
    ...(view.finishedAt !== null ? { end: view.finishedAt } : {}),
  };
  let chart = mermaidGantt(timeline, options);
  if (chart.length > MAX_MERMAID_CHARS) {
    chart = mermaidGantt(timeline, { ...options, waits: false });
  }
  if (chart === "") return "";
  const heading = "#### Timeline\n\n";
  if (chart.length <= MAX_MERMAID_CHARS) return `${heading}${chart}`;
  return `${heading}The run's ${timeline.length} steps are too many for a chart here: ` +
    "`tamr-refresh report` draws them all in an HTML file.\n";
}

/** Escapes a workflow command's message (GitHub's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow command's property value, such as `title` (GitHub's `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * One `::error title=...::message` line per step that failed, was stopped or timed out, at most
 * {@link MAX_ANNOTATIONS}; when the run did not succeed and no step says why, one line for the run.
 */
export function errorAnnotations(view: EndView): string {
  const bad = view.steps.filter((s) =>
    s.outcome === "failed" || s.outcome === "stopped" || s.outcome === "timed_out"
  );
  const lines = bad.slice(0, MAX_ANNOTATIONS).map((s) => {
    const title = `tamr-refresh: ${s.step} ${s.outcome.replace("_", " ")}`;
    const why = s.error ? `${s.error.reason}: ${s.error.message}` : `the step ${s.outcome}`;
    const job = s.jobId ? ` (job ${s.jobId})` : "";
    return `::error title=${escapeProperty(title)}::${escapeData(`${why}${job}`)}`;
  });
  if (bad.length > MAX_ANNOTATIONS) {
    lines[MAX_ANNOTATIONS - 1] = `::error title=${
      escapeProperty(`tamr-refresh: ${bad.length - MAX_ANNOTATIONS + 1} more steps`)
    }::${escapeData(`${bad.slice(MAX_ANNOTATIONS - 1).map((s) => s.step).join(", ")}`)}`;
  }
  if (lines.length === 0 && view.outcome !== null && view.outcome !== "succeeded") {
    lines.push(
      `::error title=${escapeProperty(`tamr-refresh: run ${view.outcome}`)}::${
        escapeData(view.message ?? `the run ended with exit code ${view.exitCode ?? "?"}`)
      }`,
    );
  }
  return lines.map((l) => l + "\n").join("");
}
