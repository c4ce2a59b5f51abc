import assert from "node:assert/strict";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { prepareEndReports } from "../lib/app/outputs/end_reports.ts";
import {
  errorAnnotations,
  escapeData,
  escapeProperty,
  MAX_MERMAID_CHARS,
  stepSummaryMarkdown,
  timelineMarkdown,
} from "../lib/app/outputs/github.ts";
import type { TimelineEntry } from "../lib/kit/run/timeline.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { endViewOf, start, step, t } from "./_events.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";
import { fakeIo } from "./_io.ts";

const finish = (outcome: "succeeded" | "failed" | "error", exitCode: number, message: string) =>
  ({ type: "finish", time: t(10), outcome, exitCode, steps: [], message }) satisfies RunEvent;

/** A run where load:s2 fails with Tamr's reason, after many polls, and update:dp is skipped. */
const failedRun: RunEvent[] = [
  start(["load:s1", "load:s2", "update:dp"]),
  step(0, "load:s1", "creating"),
  step(0, "load:s2", "creating"),
  step(1, "load:s1", "running", { jobId: "job_1", jobState: "RUNNING" }),
  ...Array.from(
    { length: 20 },
    () => step(2, "load:s2", "running", { jobId: "job_2", jobState: "RUNNING" }),
  ),
  step(5, "load:s2", "failed", {
    jobId: "job_2",
    jobState: "DONE",
    error: { reason: "PLANNING_FAILED", message: "Column 'a|b' <missing>\nsee log" },
  }),
  step(9, "load:s1", "succeeded", { jobId: "job_1", jobState: "DONE" }),
  step(9, "update:dp", "skipped"),
  finish("failed", 1, "load:s2 failed."),
];

const okRun: RunEvent[] = [
  start(["load:s1"]),
  step(0, "load:s1", "creating"),
  step(3, "load:s1", "succeeded", { jobId: "job_1", jobState: "DONE" }),
  finish("succeeded", 0, "Every step succeeded."),
];

/** An Io whose files live in a map and whose stderr is a string. */
function memoryIo(env: Record<string, string>, files: Map<string, string> = new Map()) {
  const streams = { out: "", err: "" };
  const io = fakeIo(files, {
    env,
    secrets: new Set([SECRET_KEY]),
    out: (s) => void (streams.out += s),
    err: (s) => void (streams.err += s),
  });
  return { io, streams, files };
}

Deno.test("stepSummaryMarkdown() renders a table row per step with Tamr's reason and message", () => {
  const md = stepSummaryMarkdown(endViewOf(failedRun));
  const lines = md.split("\n");
  assert.equal(lines[0], "### tamr-refresh: dp on acme");
  assert.match(md, /\*\*❌ Run failed in 10s\*\* \(exit 1\): load:s2 failed\./);
  assert.ok(lines.includes("| Step | Job | Outcome | Duration | Error |"), md);
  assert.ok(lines.includes("| `load:s1` | `job_1` | ✅ succeeded | 9.0s |  |"), md);
  assert.ok(lines.includes("| `update:dp` | – | ⏭️ skipped | – |  |"), md);
  const failed = lines.find((l) => l.startsWith("| `load:s2`"))!;
  assert.match(failed, /❌ failed \| 5\.0s \| `PLANNING_FAILED` /);
  assert.ok(md.endsWith("\n\n"), "a blank line separates it from what is appended after it");
});

Deno.test("stepSummaryMarkdown() escapes pipes, HTML and line breaks from Tamr's messages", () => {
  const md = stepSummaryMarkdown(endViewOf(failedRun));
  const failed = md.split("\n").find((l) => l.startsWith("| `load:s2`"))!;
  assert.ok(failed.endsWith("Column 'a\\|b' &lt;missing&gt; see log |"), failed);
  // Every table row has exactly the five columns of the header.
  for (const row of md.split("\n").filter((l) => l.startsWith("| "))) {
    assert.equal(row.replace(/\\\|/g, "").split("|").length, 7, row);
  }
});

Deno.test("errorAnnotations() writes one ::error per failed step, however many polls it took", () => {
  const text = errorAnnotations(endViewOf(failedRun));
  assert.deepEqual(text.trimEnd().split("\n"), [
    "::error title=tamr-refresh%3A load%3As2 failed::PLANNING_FAILED: Column 'a|b' <missing>%0Asee log (job job_2)",
  ]);
  assert.equal(errorAnnotations(endViewOf(okRun)), "");
});

Deno.test("escapeData() and escapeProperty() escape the way GitHub's toolkit does", () => {
  assert.equal(escapeData("100% done\r\nnext"), "100%25 done%0D%0Anext");
  assert.equal(escapeProperty("a: b, c%"), "a%3A b%2C c%25");
});

Deno.test("errorAnnotations() stops at ten lines, the last naming the steps left over", () => {
  const ids = Array.from({ length: 14 }, (_, i) => `load:s${i}`);
  const events: RunEvent[] = [
    start(ids),
    ...ids.map((id, i) =>
      step(1, id, "failed", { jobId: `job_${i}`, error: { reason: "X", message: "boom" } })
    ),
    finish("failed", 1, "14 sources failed."),
  ];
  const lines = errorAnnotations(endViewOf(events)).trimEnd().split("\n");
  assert.equal(lines.length, 10);
  assert.match(lines[8]!, /^::error title=tamr-refresh%3A load%3As8 failed::X: boom/);
  assert.equal(
    lines[9],
    "::error title=tamr-refresh%3A 5 more steps::load:s9, load:s10, load:s11, load:s12, load:s13",
  );
});

Deno.test("errorAnnotations() annotates the run when it failed without a failed step", () => {
  const events: RunEvent[] = [
    start(["load:s1"]),
    finish("error", 4, "Tamr API request failed: GET /api/v1beta1/jobs was answered 401"),
  ];
  assert.equal(
    errorAnnotations(endViewOf(events)),
    "::error title=tamr-refresh%3A run error::Tamr API request failed: GET /api/v1beta1/jobs was answered 401\n",
  );
});

Deno.test("the end reports append to GITHUB_STEP_SUMMARY, keeping what was there", async () => {
  const files = new Map([["/gh/summary.md", "# Earlier step\n\n"]]);
  const { io, streams } = memoryIo({ GITHUB_STEP_SUMMARY: "/gh/summary.md" }, files);
  const warnings: string[] = [];
  await prepareEndReports(io, {}).write(endViewOf(failedRun), (m) => warnings.push(m));
  assert.deepEqual(warnings, []);
  const text = files.get("/gh/summary.md")!;
  assert.ok(text.startsWith("# Earlier step\n\n### tamr-refresh: dp on acme\n"), text);
  assert.equal(text.match(/\| Step \| Job/g)?.length, 1);
  assert.equal(streams.err, "", "no annotations unless GITHUB_ACTIONS=true");
});

Deno.test("the end reports annotate failed steps once when GITHUB_ACTIONS=true", async () => {
  const { io, streams, files } = memoryIo({ GITHUB_ACTIONS: "true" });
  const reports = prepareEndReports(io, {});
  assert.equal(streams.err, "", "nothing before the run ends");
  await reports.write(endViewOf(failedRun), () => {});
  assert.equal(streams.err.match(/^::error /gm)?.length, 1, streams.err);
  assert.equal(streams.out, "", "stdout stays clean for --output json");
  assert.equal(files.size, 0, "no summary file without GITHUB_STEP_SUMMARY");
});

Deno.test("the end reports warn, and do not throw, when the summary file cannot be written", async () => {
  const { io, streams } = memoryIo({ GITHUB_STEP_SUMMARY: "/gh/summary.md" });
  io.writeTextFile = (p) => Promise.reject(new Error(`Permission denied: ${p}`));
  const warnings: string[] = [];
  await prepareEndReports(io, {}).write(endViewOf(okRun), (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /^Could not append the step summary to \/gh\/summary\.md \(GITHUB_STEP_SUMMARY\): Permission denied/,
  );
  assert.equal(streams.err, "", "the warning goes to the run's stream, not straight to stderr");
});

Deno.test("in GitHub Actions, run writes the step summary and annotates the failed source", async () => {
  const sim = await startSimTenant({
    scenario: {
      pendingMs: 50,
      durations: { default: 200 },
      failures: { "load:s2": { reason: "PLANNING_FAILED", message: "Source file missing." } },
    },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-gh-" });
  try {
    const summary = `${dir}/summary.md`;
    await Deno.writeTextFile(summary, "before\n");
    const r = await runCli(
      [
        "run",
        "--base-url",
        sim.baseUrl,
        "--source",
        "s1",
        "--source",
        "s2",
        "--data-product",
        "dp",
        "--poll-interval",
        "200ms",
        "--output",
        "json",
      ],
      childEnv({
        TAMR_API_KEY: SECRET_KEY,
        XDG_STATE_HOME: dir,
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: summary,
      }),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.stderr.match(/^::error .*$/gm), [
      `::error title=tamr-refresh%3A load%3As2 failed::PLANNING_FAILED: Source file missing. (job ${
        r.stderr.match(/\(job (job_\w+)\)/)?.[1]
      })`,
    ]);
    for (const line of r.stdout.trimEnd().split("\n")) JSON.parse(line); // stdout is pure NDJSON
    const text = await Deno.readTextFile(summary);
    assert.ok(text.startsWith("before\n### tamr-refresh: dp on 127.0.0.1\n"), text);
    assert.match(text, /\| `load:s2` \| `job_\w+` \| ❌ failed \| .* \| `PLANNING_FAILED` Source/);
    assert.match(text, /\| `update:dp` \| – \| ⏭️ skipped \|/);
    // Then the timeline, from Tamr's own times: both loads, the failed one crit.
    const chart = text.slice(text.indexOf("#### Timeline\n\n```mermaid\ngantt\n"));
    assert.ok(chart.length > 0, text);
    assert.match(chart, /\n {4}section load\n/);
    assert.match(chart, /\n {4}load s1 waiting :active, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}, /);
    assert.match(chart, /\n {4}load s1 :\d{4}-/);
    assert.match(chart, /\n {4}load s2 failed PLANNING_FAILED :crit, \d{4}-/);
    assert.doesNotMatch(chart, /update dp/, "a skipped step is not on the timeline");
    assert.ok(!(r.stdout + r.stderr + text).includes(SECRET_KEY));
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A timeline of `n` sources, each waiting 20 s and running a minute, one after another. */
function sources(n: number): TimelineEntry[] {
  const t0 = Date.UTC(2026, 11, 2, 8);
  const iso = (ms: number) => new Date(t0 + ms).toISOString();
  return Array.from({ length: n }, (_, i) => ({
    step: `load:source_number_${i}`,
    kind: "load",
    target: `source_number_${i}`,
    jobId: `job_${i}`,
    outcome: i === 1 ? "failed" : "succeeded",
    createdAt: iso(i * 80_000),
    runningAt: iso(i * 80_000 + 20_000),
    endedAt: iso(i * 80_000 + 80_000),
    waitMs: 20_000,
    runMs: 60_000,
    reason: i === 1 ? "PLANNING_FAILED" : null,
  }));
}

Deno.test("stepSummaryMarkdown() adds the run's timeline as a Mermaid gantt chart after the table", () => {
  const view = { ...endViewOf(okRun), timeline: sources(3) };
  const md = stepSummaryMarkdown(view);
  const table = md.indexOf("| Step | Job |");
  const chart = md.indexOf("#### Timeline\n\n```mermaid\ngantt\n    title dp on acme (UTC)\n");
  assert.ok(table >= 0 && chart > table, md);
  assert.match(
    md,
    /\n {4}load source_number_1 failed PLANNING_FAILED :crit, 2026-12-02 08:01:40, /,
  );
  assert.ok(md.endsWith("```\n\n"), "a blank line separates it from what is appended after it");
  assert.equal(timelineMarkdown(endViewOf(okRun)), "", "no timeline, no chart");
});

Deno.test("a run too big for one Mermaid chart drops the waits, then the chart, and says so", () => {
  const base = endViewOf(okRun);
  const mid = timelineMarkdown({ ...base, timeline: sources(300) });
  assert.ok(mid.length <= MAX_MERMAID_CHARS + 20, `${mid.length}`);
  assert.doesNotMatch(mid, / waiting :/, "the waits are left out");
  assert.match(mid, /load source_number_299 :/);
  const huge = timelineMarkdown({ ...base, timeline: sources(1000) });
  assert.equal(
    huge,
    "#### Timeline\n\nThe run's 1000 steps are too many for a chart here: `tamr-refresh report` " +
      "draws them all in an HTML file.\n",
  );
});
