/** The HTML report: one self-contained file, every step's bar, waits and trouble apart, ids escaped. */
import assert from "node:assert/strict";
import type { RunRecord } from "../lib/app/history/record.ts";
import type { TimelineEntry } from "../lib/kit/run/timeline.ts";
import { reportHtml } from "../lib/app/outputs/report_html.ts";
import { chartRange, tickLabel, tickStep } from "../lib/app/outputs/report_gantt.ts";
import { stepTrends, trendRuns } from "../lib/app/outputs/report_trends.ts";
import { standardNights } from "./_history_records.ts";

const T0 = Date.UTC(2026, 11, 2, 8, 15);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function entry(
  step: string,
  from: number,
  run: number | null,
  to: number | null,
  more: Partial<TimelineEntry> = {},
): TimelineEntry {
  const [kind, ...rest] = step.split(":");
  return {
    step,
    kind: kind as TimelineEntry["kind"],
    target: rest.join(":"),
    jobId: `job_${from}`,
    outcome: "succeeded",
    createdAt: at(from),
    runningAt: run === null ? null : at(run),
    endedAt: to === null ? null : at(to),
    waitMs: ((run ?? to ?? from) - from) * 1000,
    runMs: run === null || to === null ? null : (to - run) * 1000,
    reason: null,
    ...more,
  };
}

/** A run where a source with an awkward id fails, another waited long, and one never ran. */
const EVIL = `<img src=x onerror="alert(1)">&'`;
const run: RunRecord = {
  version: 1,
  runId: "20261202T081500Z",
  tenant: "acme",
  baseUrl: "https://acme.tamr.cloud",
  dataProduct: "dp_<b>1</b>",
  startedAt: at(0),
  finishedAt: at(600),
  outcome: "failed",
  durationMs: 600_000,
  concurrency: 2,
  timeline: [
    entry("load:s1", 0, 20, 300),
    entry(`load:${EVIL}`, 0, 20, 180, { outcome: "failed", reason: "PLANNING_FAILED" }),
    entry("load:a:b#c", 180, 400, 590),
    entry("load:never_ran", 300, null, 310, { outcome: "stopped", reason: "STOPPED_BY_USER" }),
  ],
};

Deno.test("reportHtml() is one file that fetches nothing: no script, link, import or remote URL", () => {
  const html = reportHtml(run, [run]);
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.doesNotMatch(html, /<script|<link|<iframe|<img|@import|url\(/i);
  // No tag has a src or href attribute (user text with "src=" in it is escaped: no tag, or inside
  // a quoted attribute value).
  const tags = html.replace(/"[^"]*"/g, '""').match(/<[a-z][^<>]*>/gi) ?? [];
  assert.ok(tags.length > 50);
  assert.deepEqual(tags.filter((t) => /\s(src|href|srcset|action)=/i.test(t)), []);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  // The only URL in it is the tenant's, as text.
  assert.deepEqual(html.match(/https?:\/\/[^\s<"]+/g), ["https://acme.tamr.cloud"]);
});

Deno.test("reportHtml() escapes every id and reason that comes from users or the tenant", () => {
  const html = reportHtml(run, [run]);
  assert.ok(!html.includes(EVIL), "the raw id never appears");
  assert.ok(!html.includes("<b>1</b>"));
  assert.ok(html.includes("load:&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"));
  assert.ok(html.includes("dp_&lt;b&gt;1&lt;/b&gt;"));
});

Deno.test("reportHtml() draws one row per step with its whole id, and waits and running apart", () => {
  const html = reportHtml(run, [run]);
  const rows = [...html.matchAll(/<div class="row outcome-(\w+)" data-step="([^"]*)"/g)];
  assert.deepEqual(rows.map((r) => [r[2], r[1]]), [
    ["load:s1", "succeeded"],
    ["load:&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;", "failed"],
    ["load:a:b#c", "succeeded"],
    ["load:never_ran", "stopped"],
  ]);
  assert.match(html, /<div class="step-label" role="rowheader">load:a:b#c<\/div>/);
  // The chart runs from the first creation (0 s) to the last end (590 s): load:a:b#c waited from
  // 180 s to 400 s, then ran to 590 s.
  const pct = (s: number) => (s / 590 * 100).toFixed(3);
  assert.ok(
    html.includes(
      `data-segment="waiting" style="left:${pct(180)}%;width:${pct(220)}%" title="load:a:b#c: ` +
        `waiting (PENDING) 3m40s from 2026-12-02 08:18:00 UTC (job job_180)"`,
    ),
  );
  assert.ok(
    html.includes(
      `data-segment="running" style="left:${pct(400)}%;width:${pct(190)}%" title="load:a:b#c: ` +
        `running 3m10s, succeeded (job job_180)"`,
    ),
  );
  // The step stopped while PENDING has a wait and no running, marked as trouble.
  const stopped = html.slice(html.indexOf('data-step="load:never_ran"'));
  assert.match(stopped, /^[^]*?bar-waiting bar-trouble" data-segment="waiting"/);
  assert.doesNotMatch(stopped.slice(0, stopped.indexOf("</div></div>")), /data-segment="running"/);
});

Deno.test("reportHtml() says each trouble in words and Tamr's reason, not only in colour", () => {
  const html = reportHtml(run, [run]);
  assert.match(html, /data-mark="failed">✗ failed: <code class="reason">PLANNING_FAILED<\/code>/);
  assert.match(html, /data-mark="stopped">■ stopped: <code class="reason">STOPPED_BY_USER/);
  assert.match(html, /class="verdict run-failed" data-field="outcome">failed</);
  assert.match(
    html,
    /<p class="why"><strong>load:&lt;img[^]*?<\/strong> failed \(<code>PLANNING_FAILED/,
  );
});

Deno.test("reportHtml() says Tamr's message of a failed step, escaped", () => {
  const message = `Column <b>id</b> & "name" missing`;
  const failed: RunRecord = {
    ...run,
    timeline: run.timeline.map((t) => t.outcome === "failed" ? { ...t, message } : t),
  };
  const html = reportHtml(failed, [failed]);
  assert.match(
    html,
    /failed \(<code>PLANNING_FAILED<\/code>\): <span class="message" data-message>Column &lt;b&gt;id&lt;\/b&gt; &amp; &quot;name&quot; missing<\/span>/,
  );
  assert.ok(!html.includes(message), "never raw");
  // A message that ends its sentence does not make the paragraph end in two full stops.
  const ended: RunRecord = {
    ...run,
    timeline: run.timeline.map((t) => t.outcome === "failed" ? { ...t, message: "Retry." } : t),
  };
  const endedHtml = reportHtml(ended, [ended]);
  assert.match(endedHtml, /data-message>Retry<\/span>/);
  assert.doesNotMatch(endedHtml, /\.\.<\/p>/);
  // A timeline recorded before messages were kept reads as before.
  assert.doesNotMatch(reportHtml(run, [run]), /data-message/);
});

Deno.test("reportHtml() shows the header: data product, tenant, run id, start and total time", () => {
  const html = reportHtml(run, [run]);
  assert.match(html, /data-field="tenant">acme</);
  assert.match(html, /data-field="runId">20261202T081500Z</);
  assert.match(html, /<dt>Started<\/dt><dd>2026-12-02 08:15:00 UTC<\/dd>/);
  assert.match(html, /data-field="total">10m00s</);
});

Deno.test("the time axis takes at most ten ticks, labelled from the first creation", () => {
  assert.equal(tickStep(600_000), 60_000);
  assert.equal(tickStep(38 * 60_000), 5 * 60_000);
  assert.equal(tickStep(9_000), 1_000);
  assert.equal(tickStep(30 * 3_600_000), 3 * 3_600_000);
  assert.equal(tickStep(31 * 3_600_000), 6 * 3_600_000);
  assert.deepEqual([0, 45_000, 300_000, 330_000, 5_400_000, 7_200_000].map(tickLabel), [
    "0",
    "45s",
    "5m",
    "5m30s",
    "1h30m",
    "2h",
  ]);
  assert.deepEqual(chartRange(run.timeline, Date.parse(run.finishedAt)), {
    start: T0,
    end: T0 + 590_000,
  });
});

Deno.test("a step left running reaches the run's end on the chart", () => {
  const left: RunRecord = {
    ...run,
    timeline: [entry("load:s1", 0, 10, 100), entry("load:s2", 0, 10, null, { outcome: "running" })],
  };
  assert.equal(chartRange(left.timeline, Date.parse(left.finishedAt)).end, T0 + 600_000);
  assert.match(reportHtml(left, [left]), /data-mark="running">▶ left running/);
});

Deno.test("a run in which no step began says so instead of drawing an empty chart", () => {
  const none: RunRecord = { ...run, outcome: "error", timeline: [] };
  assert.match(reportHtml(none, [none]), /No step began in this run/);
});

Deno.test("trends cover the runs up to the one reported, and flag a step past its 90th percentile", async () => {
  const nights = await standardNights(7, { failLast: true });
  const last = nights.at(-1)!;
  const html = reportHtml(last, nights);
  // Every step of the plan has a trend row with a sparkline; the failed publish has a red mark.
  for (const t of last.timeline) {
    assert.ok(html.includes(`<tr data-trend="${t.step}">`), t.step);
    assert.ok(html.includes(`data-sparkline="${t.step}"`), t.step);
  }
  const publish = html.slice(html.indexOf('<tr data-trend="publish:dest_2">'));
  assert.match(
    publish.slice(0, publish.indexOf("</tr>")),
    /✗ failed after \dm\d\ds.*spark-trouble/,
  );
  // Reporting the third night leaves the later nights out of its trends.
  const third = nights[2]!;
  assert.deepEqual(
    trendRuns(third, nights).map((r) => r.runId),
    nights.slice(0, 3).map((r) => r.runId),
  );
  const trends = stepTrends(trendRuns(last, nights));
  const src1 = trends.find((t) => t.step === "load:src_1")!;
  assert.equal(src1.values.length, 7);
  assert.ok(src1.values.every((v) => v !== null && v > 150_000 && v < 240_000), `${src1.values}`);
  // "Slower than usual" exactly where the run would say it: this run's time on Tamr past the
  // earlier runs' 90th percentile and a tenth past their median.
  assert.match(html, /Time on Tamr of each step, from its job's creation to its end/);
  for (const t of trends) {
    const earlier = t.values.slice(0, -1).filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    const row = html.slice(html.indexOf(`<tr data-trend="${t.step}">`));
    const slower = row.slice(0, row.indexOf("</tr>")).includes('data-slower="true"');
    const now = t.values.at(-1);
    const rank = (earlier.length - 1) * 0.9;
    const lo = earlier[Math.floor(rank)]!;
    const hi = earlier[Math.ceil(rank)]!;
    const p90 = lo + (hi - lo) * (rank - Math.floor(rank));
    const mid = (earlier.length - 1) / 2;
    const median = (earlier[Math.floor(mid)]! + earlier[Math.ceil(mid)]!) / 2;
    const limit = Math.max(p90, 1.1 * median);
    assert.equal(slower, now !== null && now !== undefined && now > limit, t.step);
  }
});

Deno.test("the report calls a step slower than usual by the run's rule: not 20.4s against 20s", () => {
  // Three earlier nights where the publish took 20s on Tamr, tonight 20.4s, then 23s.
  const night = (i: number, ms: number): RunRecord => ({
    ...run,
    runId: `2026120${i}T081500Z`,
    startedAt: new Date(T0 + i * 86_400_000).toISOString(),
    outcome: "succeeded",
    timeline: [entry("publish:d1", 0, 0, 0, { waitMs: 500, runMs: ms - 500 })],
  });
  const earlier = [1, 2, 3].map((i) => night(i, 20_000));
  const row = (html: string) =>
    html.slice(html.indexOf('<tr data-trend="publish:d1">')).split("</tr>")[0]!;
  const near = night(4, 20_400);
  assert.doesNotMatch(row(reportHtml(near, [...earlier, near])), /slower than usual/);
  const slow = night(4, 23_000);
  assert.match(
    row(reportHtml(slow, [...earlier, slow])),
    /23s <span class="slower" data-slower="true">slower than usual/,
  );
  // A second past the median at least: 2.3s against 2.0s is a busy machine, not a slow job.
  const usual = [1, 2, 3].map((i) => night(i, 2000));
  const late = night(4, 2300);
  assert.doesNotMatch(row(reportHtml(late, [...usual, late])), /slower than usual/);
});

Deno.test("the recent runs list the newest first, the reported one marked, with its slowest step", async () => {
  const nights = await standardNights(3);
  const html = reportHtml(nights[1]!, nights);
  const ids = [...html.matchAll(/<tr data-run="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, [nights[1]!.runId, nights[0]!.runId]);
  assert.match(html, new RegExp(`<tr data-run="${nights[1]!.runId}" class="current">`));
  assert.match(html, /<td>update:dp_customers \(\d+m\d\ds\)<\/td>/);
});
