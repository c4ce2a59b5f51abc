/**
 * A JUnit XML report of a run, folded from its view state: one test case per step, failures with
 * Tamr's reason and message, steps that never ran as skipped. CI servers render it as test results.
 */
import type { StepSummary } from "../../kit/run/events.ts";
import type { EndView } from "./end_view.ts";

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 cannot hold at all
 * (control characters other than tab and line breaks, lone surrogates) become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** Escapes element text: like {@link escapeXml}, but line breaks stay readable. */
function escapeText(text: string): string {
  return escapeXml(text).replace(/&#10;/g, "\n").replace(/&#9;/g, "\t");
}

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

const attrs = (pairs: Record<string, string | number>) =>
  Object.entries(pairs).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join("");

function testCase(s: StepSummary, classPrefix: string): string {
  const head = `    <testcase${
    attrs({ classname: `${classPrefix}.${s.kind}`, name: s.step, time: seconds(s.durationMs) })
  }`;
  const job = s.jobId ? `job ${s.jobId}` : "no job was created";
  switch (s.outcome) {
    case "succeeded":
      return `${head}/>`;
    case "failed":
    case "stopped":
    case "timed_out": {
      const reason = s.error?.reason ?? s.outcome.toUpperCase();
      const message = s.error?.message ?? `The step ${s.outcome.replace("_", " ")}.`;
      return `${head}>\n      <failure${
        attrs({ message: `${reason}: ${message}`, type: reason })
      }>${
        escapeText(`${s.step} ${s.outcome.replace("_", " ")} (${job})\n${reason}: ${message}`)
      }</failure>\n    </testcase>`;
    }
    case "skipped":
      return `${head}>\n      <skipped${
        attrs({ message: "not run: an earlier step did not succeed" })
      }/>\n    </testcase>`;
    case "not_started":
      return `${head}>\n      <skipped${
        attrs({ message: "not started: the run ended first" })
      }/>\n    </testcase>`;
    case "running":
      return `${head}>\n      <skipped${
        attrs({ message: `left running on Tamr (${job})` })
      }/>\n    </testcase>`;
  }
}

/**
 * The JUnit XML document for a finished run. When the run did not succeed and no step failed (it
 * was refused by the API before any step, say), one extra `run` test case carries the failure, so
 * the report never looks green for a red run.
 */
export function junitXml(view: EndView): string {
  const steps = view.steps;
  const suiteName = `tamr-refresh ${view.tenant || "?"} ${view.dataProduct || "?"}`;
  const classPrefix = `tamr-refresh.${view.dataProduct || "run"}`;
  const cases = steps.map((s) => testCase(s, classPrefix));
  let failures =
    steps.filter((s) =>
      s.outcome === "failed" || s.outcome === "stopped" || s.outcome === "timed_out"
    ).length;
  const skipped =
    steps.filter((s) =>
      s.outcome === "skipped" || s.outcome === "not_started" || s.outcome === "running"
    ).length;
  if (failures === 0 && view.outcome !== null && view.outcome !== "succeeded") {
    failures = 1;
    const message = view.message ?? `The run ended with exit code ${view.exitCode ?? "?"}.`;
    cases.push(
      `    <testcase${attrs({ classname: classPrefix, name: "run", time: "0.000" })}>\n` +
        `      <failure${attrs({ message, type: view.outcome.toUpperCase() })}>${
          escapeText(message)
        }</failure>\n    </testcase>`,
    );
  }
  const total = view.startedAt !== null && view.finishedAt !== null
    ? view.finishedAt - view.startedAt
    : null;
  const counts = {
    tests: cases.length,
    failures,
    errors: 0,
    skipped,
    time: seconds(total),
  };
  const timestamp = view.startedAt === null
    ? {}
    : { timestamp: new Date(view.startedAt).toISOString().slice(0, 19) };
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attrs({ name: "tamr-refresh", ...counts })}>`,
    `  <testsuite${attrs({ name: suiteName, ...counts, ...timestamp })}>`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
