/**
 * `tamr-refresh report`: one run of the history as ONE self-contained HTML file (inline CSS and
 * SVG, no script, nothing fetched: its Content-Security-Policy forbids it), with the run's Gantt
 * chart and each step's trend over the plan's recent runs.
 */
import { VERSION } from "../../kit/version.ts";
import type { RunRecord } from "../history/record.ts";
import { durText, esc, utcText } from "./_html.ts";
import { REPORT_CSS } from "./report_css.ts";
import { ganttHtml } from "./report_gantt.ts";
import { recentRunsHtml, trendRuns, trendsHtml } from "./report_trends.ts";

/** What the page says about where it came from. */
export interface ReportOptions {
  /** When the report was made (ms since the epoch), for its footer. */
  generatedAt?: number;
}

/** Nothing may be loaded from anywhere: styles and SVG are inline, images only `data:`. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The header: data product, tenant, run id, outcome, start and total time. */
function header(run: RunRecord): string {
  const fact = (name: string, value: string, cls = "") =>
    `<div><dt>${name}</dt><dd${cls ? ` class="${cls}"` : ""}>${value}</dd></div>`;
  const tenant = run.tenant === "" ? run.baseUrl : run.tenant;
  const failed = run.timeline.filter((t) =>
    t.outcome === "failed" || t.outcome === "stopped" || t.outcome === "timed_out"
  );
  const why = failed.length === 0
    ? ""
    : `<p class="why">${
      failed.map((t) =>
        `<strong>${esc(t.step)}</strong> ${t.outcome.replace("_", " ")}${
          t.reason ? ` (<code>${esc(t.reason)}</code>)` : ""
        }${
          t.message
            ? `: <span class="message" data-message>${
              // The sentence ends with its own full stop, after the last step's.
              esc(t.message.replace(/\.\s*$/, ""))}</span>`
            : ""
        }`
      ).join("; ")
    }.</p>`;
  return `<header><h1>tamr-refresh: <span data-field="dataProduct">${
    esc(run.dataProduct)
  }</span> on <span data-field="tenant">${esc(tenant)}</span></h1><dl class="facts">` +
    fact("Run", `<code data-field="runId">${esc(run.runId)}</code>`) +
    fact(
      "Outcome",
      `<span class="verdict run-${esc(run.outcome)}" data-field="outcome">${
        esc(run.outcome.replace("_", " "))
      }</span>`,
    ) +
    fact("Started", esc(utcText(run.startedAt))) +
    fact("Finished", esc(utcText(run.finishedAt))) +
    fact("Total", `<span data-field="total">${esc(durText(run.durationMs))}</span>`) +
    fact("Sources at once", String(run.concurrency)) +
    fact("Base URL", `<code>${esc(run.baseUrl)}</code>`) +
    `</dl>${why}</header>`;
}

/**
 * The HTML report of `run`, with trends over `runs` (the plan's history, any order; runs after
 * `run` are left out of its trends).
 */
export function reportHtml(
  run: RunRecord,
  runs: readonly RunRecord[],
  options: ReportOptions = {},
): string {
  const recent = trendRuns(run, runs);
  const made = options.generatedAt === undefined ? "" : ` on ${utcText(options.generatedAt)}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tamr-refresh: ${esc(run.dataProduct)} run ${esc(run.runId)} (${esc(run.outcome)})</title>
<style>${REPORT_CSS}</style></head>
<body>
${header(run)}
<section id="timeline"><h2>Timeline</h2>
${ganttHtml(run.timeline, Date.parse(run.finishedAt))}
</section>
<section id="trends"><h2>Each step over recent runs</h2>
${trendsHtml(recent)}
</section>
<section id="runs"><h2>Recent runs</h2>
${recentRunsHtml(recent, run.runId)}
</section>
<footer>Made by tamr-refresh ${esc(VERSION)}${made} from the plan's run history. Times are ` +
    `Tamr's own (each job's statusHistory) where Tamr gave them.</footer>
</body></html>
`;
}
