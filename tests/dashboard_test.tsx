import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { render } from "ink-testing-library";
import type { JSX } from "react";
import type { RunEvent, RunOutcome, StepEvent, StepState } from "../lib/kit/run/events.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { summarize } from "../lib/kit/run/summary.ts";
import { closingText, Dashboard } from "../tui/dashboard.tsx";
import { frameThrottle, keyAction, runDashboard } from "../tui/dashboard_app.tsx";
import { createRunStore } from "../lib/kit/run/run_store.ts";
import { createHold } from "../lib/kit/run/hold.ts";
import { detachedText } from "../tui/interactive.ts";
import stringWidth from "string-width";
import { childEnv, ROOT } from "./_cli.ts";

// ---------------------------------------------------------------------------------------------
// Helpers

const T0 = Date.parse("2025-03-01T09:00:00.000Z");
const at = (seconds: number) => T0 + seconds * 1000;

const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[ -/]*[@-~]", "g");

/** Strips colour and cursor codes and trailing spaces: the frame as a person reads it. */
function plain(text: string): string {
  return text.replace(ANSI, "").split("\n").map((l) => l.trimEnd()).join("\n");
}

/** Renders one frame at 100 columns (ink-testing-library's width) and returns its lines. */
function frame(element: JSX.Element): string[] {
  const r = render(element);
  const out = plain(r.lastFrame() ?? "");
  r.unmount();
  r.cleanup();
  return out.split("\n");
}

/** The one line that contains `needle`; fails when there is none. */
function lineWith(lines: string[], needle: string): string {
  const line = lines.find((l) => l.includes(needle));
  assert.ok(
    line !== undefined,
    `no line contains ${JSON.stringify(needle)} in:\n${lines.join("\n")}`,
  );
  return line;
}

/** Builds real event sequences for a plan, at times counted in seconds from T0. */
function run(input: PlanInput, tenant = "acme") {
  const plan = buildPlan(input);
  const events: RunEvent[] = [];
  const time = (s: number) => new Date(at(s)).toISOString();
  const kindOf = (id: string) => {
    const step = plan.steps.find((s) => s.id === id);
    if (!step) throw new Error(`The fixture has no step ${JSON.stringify(id)}`);
    return step;
  };
  const b = {
    events,
    start(s = 0) {
      events.push({
        type: "start",
        time: time(s),
        version: 1,
        tenant,
        baseUrl: `https://${tenant}.tamr.cloud`,
        dataProduct: input.dataProduct,
        concurrency: 4,
        steps: plan.steps.map((p) => ({
          step: p.id,
          kind: p.kind,
          target: p.target,
          dependsOn: p.dependsOn,
          body: { configuration: p.configuration },
        })),
      });
      return b;
    },
    step(s: number, id: string, state: StepState, extra: Partial<StepEvent> = {}) {
      const p = kindOf(id);
      events.push({
        type: "step",
        time: time(s),
        step: id,
        kind: p.kind,
        target: p.target,
        state,
        ...extra,
      });
      return b;
    },
    /** queued -> creating -> running with job `jobId`, from `s`. */
    launch(s: number, id: string, jobId: string) {
      return b.step(s, id, "queued").step(s, id, "creating")
        .step(s, id, "running", { jobId, jobState: "PENDING" })
        .step(s + 1, id, "running", { jobId, jobState: "RUNNING" });
    },
    succeed(s: number, id: string) {
      return b.step(s, id, "succeeded", { jobState: "DONE" });
    },
    retry(s: number, id: string) {
      events.push({
        type: "retry",
        time: time(s),
        step: id,
        method: "GET",
        path: "/v1/jobs/x",
        status: 503,
        attempt: 1,
        delayMs: 1000,
        reason: "HTTP 503",
      });
      return b;
    },
    finish(s: number, outcome: RunOutcome, exitCode: number, extra: Partial<RunEvent> = {}) {
      events.push({
        type: "finish",
        time: time(s),
        outcome,
        exitCode,
        steps: summarize(foldEvents(events)),
        ...extra,
      } as RunEvent);
      return b;
    },
    state(): RunState {
      return foldEvents(events);
    },
  };
  return b;
}

/** Three sources: one done, one running with two retries, one waiting; then the data product. */
function runningRun() {
  return run({ sources: ["crm", "erp", "web"], dataProduct: "customers", destinations: ["s3"] })
    .start(0)
    .launch(0, "load:crm", "job-101")
    .launch(0, "load:erp", "job-102")
    .succeed(42, "load:crm")
    .retry(50, "load:erp")
    .retry(51, "load:erp");
}

// ---------------------------------------------------------------------------------------------
// The view

Deno.test("Dashboard shows the header, progress, one row per step by phase and the keys", () => {
  const lines = frame(<Dashboard state={runningRun().state()} now={at(65)} columns={100} />);
  assert.equal(lines[0], "tamr-refresh · tenant acme · data product customers");
  assert.match(lineWith(lines, "1/5"), /^█{4}░{16} 1\/5 succeeded · 1m05s · ↻2 retries$/);
  assert.match(lineWith(lines, "crm"), /^ {2}✔ crm +job-101 +DONE +42s$/);
  assert.match(lineWith(lines, "erp"), /^ {2}\S erp +job-102 +RUNNING +1m05s +↻2$/);
  assert.match(lineWith(lines, "web"), /^ {2}○ web +waiting$/);
  assert.ok(lines.indexOf("Sources") < lines.indexOf("Data product"));
  assert.ok(lines.indexOf("Data product") < lines.indexOf("Publish"));
  assert.ok(!lines.includes("Search index"), "no search-index phase in this plan");
  assert.equal(lines.at(-1), "q quit (stops our jobs) · d detach (jobs keep running) · ? help");
});

Deno.test("Dashboard shows a failed source with Tamr's reason and message, and the skipped data product", () => {
  const r = run({ sources: ["crm", "erp"], dataProduct: "customers" })
    .start(0)
    .launch(0, "load:crm", "job-1")
    .launch(0, "load:erp", "job-2")
    .succeed(30, "load:crm")
    .step(40, "load:erp", "failed", {
      jobState: "DONE",
      error: {
        reason: "PLANNING_FAILED",
        message: "Source erp has no attribute named customer_id.",
      },
    })
    .step(40, "update:customers", "skipped");
  const lines = frame(<Dashboard state={r.state()} now={at(41)} columns={100} />);
  assert.match(
    lineWith(lines, "erp  "),
    /^ {2}✖ erp +job-2 +DONE +40s +PLANNING_FAILED$/,
  );
  assert.match(lineWith(lines, "customers  "), /^ {2}– customers +skipped$/);
  assert.equal(
    lineWith(lines, "load:erp"),
    "✖ load:erp failed: PLANNING_FAILED: Source erp has no attribute named customer_id.",
  );
  // Not a full bar: a third succeeded, a third failed, a third skipped.
  assert.equal(
    lineWith(lines, "1/3"),
    "███████✖✖✖✖✖✖✖–––––– 1/3 succeeded · 41s · 1 failed · 1 skipped",
  );
});

Deno.test("Dashboard folds 200 sources into count lines so the frame fits 30 rows", () => {
  const sources = Array.from({ length: 200 }, (_, i) => `src-${String(i).padStart(3, "0")}`);
  const r = run({ sources, dataProduct: "customers", workflow: "wf-1" }).start(0);
  for (let i = 0; i < 160; i++) {
    r.launch(i, `load:${sources[i]}`, `job-${i}`).succeed(i + 5, `load:${sources[i]}`);
  }
  for (let i = 160; i < 164; i++) r.launch(190, `load:${sources[i]}`, `job-${i}`);
  r.step(195, `load:${sources[164]}`, "failed", {
    jobId: "job-164",
    jobState: "DONE",
    error: { reason: "PLANNING_FAILED", message: "Source src-164 is empty." },
  });
  for (let i = 165; i < 200; i++) r.step(190, `load:${sources[i]}`, "queued");

  const lines = frame(<Dashboard state={r.state()} now={at(200)} rows={30} columns={100} />);
  assert.ok(lines.length <= 30, `the frame has ${lines.length} lines:\n${lines.join("\n")}`);
  assert.equal(lineWith(lines, "sources succeeded"), "  ✔ 160 sources succeeded");
  assert.equal(lineWith(lines, "waiting"), "  ○ 35 sources waiting");
  for (const id of ["src-160", "src-161", "src-162", "src-163"]) {
    assert.match(lineWith(lines, id), /RUNNING/, `${id} stays visible`);
  }
  assert.match(lineWith(lines, "src-164"), /✖ src-164 .* PLANNING_FAILED$/);
  assert.match(lineWith(lines, "load:src-164"), /Source src-164 is empty\.$/);
  assert.match(
    lineWith(lines, "○ customers"),
    /waiting$/,
    "the data product row is not folded alone",
  );
  assert.ok(lines.includes("Search index"));
});

Deno.test("Dashboard keeps running and failed rows first and counts the rest when even folding is not enough", () => {
  const sources = Array.from({ length: 30 }, (_, i) => `src-${i}`);
  const r = run({ sources, dataProduct: "customers" }).start(0);
  for (let i = 0; i < 20; i++) r.launch(0, `load:${sources[i]}`, `job-${i}`);
  r.step(9, "load:src-19", "failed", {
    jobState: "DONE",
    error: { reason: "LOAD_FAILED", message: "Disk full." },
  });
  const lines = frame(<Dashboard state={r.state()} now={at(10)} rows={16} columns={100} />);
  assert.ok(lines.length <= 16, `the frame has ${lines.length} lines:\n${lines.join("\n")}`);
  assert.match(lineWith(lines, "src-19 "), /✖/, "the failed row is kept first");
  assert.match(lineWith(lines, "… and"), /^… and \d+ more \(\d+ running, 1 waiting\)$/);
  assert.equal(lineWith(lines, "waiting"), "  ○ 10 sources waiting");
});

Deno.test("Dashboard truncates long ids so every row stays within the columns", () => {
  const long = "source-with-a-really-long-identifier-that-goes-on-and-on-0001";
  const r = run({ sources: [long], dataProduct: "customers" })
    .start(0)
    .launch(0, `load:${long}`, "job-6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b-with-more-words")
    .retry(3, `load:${long}`);
  const lines = frame(<Dashboard state={r.state()} now={at(5)} columns={60} />);
  for (const line of lines) assert.ok(stringWidth(line) <= 60, `too wide: ${JSON.stringify(line)}`);
  const row = lineWith(lines, "RUNNING");
  assert.match(row, /source-w.*….*-0001 /, `both ends of the id stay readable: ${row}`);
  assert.match(row, /↻1$/);
});

/** The terminal column (counting cells, not code points) where `needle` starts in `line`. */
function columnOf(line: string, needle: string): number {
  const at = line.indexOf(needle);
  assert.ok(at >= 0, `${JSON.stringify(needle)} is not in ${JSON.stringify(line)}`);
  return stringWidth(line.slice(0, at));
}

/** Sources named in Japanese and with an emoji: each of those characters takes two cells. */
function wideRun() {
  return run({
    sources: ["売上データ_東京", "🚀-launch-events", "crm"],
    dataProduct: "顧客マスタ",
  })
    .start(0)
    .launch(0, "load:売上データ_東京", "job-201")
    .launch(0, "load:🚀-launch-events", "job-202")
    .launch(0, "load:crm", "job-203")
    .succeed(20, "load:crm")
    .retry(25, "load:🚀-launch-events");
}

Deno.test("Dashboard keeps columns aligned when ids hold CJK characters and emoji", () => {
  const lines = frame(<Dashboard state={wideRun().state()} now={at(30)} columns={80} />);
  const rows = ["売上データ_東京", "🚀-launch-events", "crm"].map((id) => lineWith(lines, id));
  for (const line of lines) {
    assert.ok(stringWidth(line) <= 80, `${stringWidth(line)} cells: ${JSON.stringify(line)}`);
  }
  const jobColumns = rows.map((row, i) => columnOf(row, `job-20${i + 1}`));
  assert.deepEqual(
    new Set(jobColumns).size,
    1,
    `job ids start at cells ${jobColumns}:\n${rows.join("\n")}`,
  );
  const elapsedEnds = rows.map((row) => {
    const m = row.match(/\d+(\.\d)?s|\d+m\d\ds/);
    assert.ok(m, `an elapsed time in ${row}`);
    return columnOf(row, m[0]) + m[0].length;
  });
  assert.equal(new Set(elapsedEnds).size, 1, `elapsed times end at cells ${elapsedEnds}`);
  assert.match(rows[1]!, /↻1$/);
  assert.match(lines[0]!, /data product 顧客マスタ$/);
});

Deno.test("Dashboard cuts wide ids in the middle and keeps every row within a narrow terminal", () => {
  const long = "東京都千代田区丸の内_顧客マスタ_2025";
  const emoji = "🚀🚀🚀-launch-events-from-the-mobile-app";
  const r = run({ sources: [long, emoji], dataProduct: "customers" })
    .start(0)
    .launch(0, `load:${long}`, "job-6f1d2a3b-4c5d")
    .launch(0, `load:${emoji}`, "job-7a8b9c0d-1e2f");
  for (const columns of [52, 61]) {
    const lines = frame(<Dashboard state={r.state()} now={at(5)} columns={columns} />);
    for (const line of lines) {
      assert.ok(
        stringWidth(line) <= columns,
        `${stringWidth(line)} cells at ${columns} columns: ${JSON.stringify(line)}`,
      );
    }
    const rows = [lineWith(lines, "東京"), lineWith(lines, "🚀")];
    assert.match(rows[0]!, /東京.*….*2025 /, `both ends of the id stay readable: ${rows[0]}`);
    assert.match(rows[1]!, /🚀.*….*app /, `both ends of the id stay readable: ${rows[1]}`);
    const states = rows.map((row) => columnOf(row, "RUNNING"));
    assert.equal(states[0], states[1], `RUNNING at cells ${states} (${columns} columns)`);
  }
});

Deno.test("Dashboard wraps a notice with wide characters within the columns", () => {
  const r = wideRun().step(40, "load:売上データ_東京", "failed", {
    jobState: "DONE",
    error: {
      reason: "PLANNING_FAILED",
      message: "ソース 売上データ_東京 に属性 customer_id がありません。データを確認してください。",
    },
  });
  const lines = frame(<Dashboard state={r.state()} now={at(41)} rows={30} columns={50} />);
  const from = lines.findIndex((l) => l.startsWith("✖ load:"));
  const notice = lines.slice(from, lines.findIndex((l, i) => i > from && l.startsWith("q quit")));
  assert.ok(notice.length >= 2, `the notice wraps:\n${lines.join("\n")}`);
  for (const line of lines) {
    assert.ok(stringWidth(line) <= 50, `${stringWidth(line)} cells: ${JSON.stringify(line)}`);
  }
  assert.match(
    notice.join("").replaceAll(" ", ""),
    /customer_idがありません。データを確認してください。$/,
    `nothing of the message is cut off:\n${notice.join("\n")}`,
  );
});

Deno.test("Dashboard asks before quitting and counts the running jobs it would stop", () => {
  const lines = frame(
    <Dashboard state={runningRun().state()} now={at(60)} overlay="confirm-quit" />,
  );
  assert.equal(lines.at(-1), "Stop 1 running job and quit? y/n");
  const quitting = frame(<Dashboard state={runningRun().state()} now={at(60)} quitting />);
  assert.match(quitting.at(-1) ?? "", /^Stopping our jobs…/);
});

Deno.test("Dashboard's help explains the keys and the marks in place of the steps", () => {
  const lines = frame(<Dashboard state={runningRun().state()} now={at(60)} overlay="help" />);
  assert.match(lineWith(lines, "q, Ctrl-C"), /stops the jobs this run started/);
  assert.match(lineWith(lines, "  d  "), /jobs keep running in Tamr; the rest waits for --resume/);
  assert.match(
    lineWith(lines, "Bar:"),
    /█ succeeded {2}✖ failed {2}■ stopped {2}– skipped {2}░ to do/,
  );
  assert.match(lineWith(lines, "✖ failed"), /■ stopped {3}⏱ timed out/);
  assert.ok(!lines.some((l) => l.includes("job-101")), "step rows are hidden behind the help");
});

Deno.test("Dashboard shows the latest warning in place of the notice", () => {
  const r = runningRun();
  r.events.push({
    type: "warning",
    time: new Date(at(55)).toISOString(),
    step: "load:web",
    message: "The tenant runs 5 jobs already; load:web waits for a slot.",
  });
  const lines = frame(<Dashboard state={r.state()} now={at(60)} />);
  assert.equal(
    lineWith(lines, "⚠"),
    "⚠ load:web: The tenant runs 5 jobs already; load:web waits for a slot.",
  );
});

/** Two sources: one succeeded, one timed out; the rest skipped; the run ended. */
function timedOutRun() {
  return run({ sources: ["crm", "erp"], dataProduct: "customers", destinations: ["s3"] })
    .start(0)
    .launch(0, "load:crm", "job-1")
    .launch(0, "load:erp", "job-2")
    .succeed(30, "load:crm")
    .step(70, "load:erp", "timed_out", {
      jobState: "RUNNING",
      error: { reason: "TIMED_OUT", message: "The job ran past the timeout and was stopped." },
    })
    .step(70, "update:customers", "skipped")
    .step(70, "publish:s3", "skipped")
    .finish(75, "timed_out", 3, {
      message: "load:erp timed out.",
      resumeCommand: "tamr-refresh run --config refresh.json --resume",
    });
}

Deno.test("Dashboard's finished frame ends with the summary; what went wrong is printed below it", () => {
  const r = timedOutRun();
  // `now` long after the end: the elapsed times are frozen at the finish.
  const lines = frame(<Dashboard state={r.state()} now={at(9999)} columns={100} />);
  assert.equal(
    lines.join("\n"),
    `tamr-refresh · tenant acme · data product customers
█████✖✖✖✖✖–––––––––– 1/4 succeeded · 1m15s · 1 timed out · 2 skipped

Sources
  ✔ crm        job-1  DONE       30s
  ⏱ erp        job-2  RUNNING  1m10s  TIMED_OUT
Data product
  – customers         skipped
Publish
  – s3                skipped

⏱ Refresh timed out in 1m15s · 1 succeeded · 1 timed out · 2 skipped`,
  );
  assert.equal(
    closingText(r.state(), 100),
    `
load:erp timed out.
  ⏱ load:erp · job-2
    TIMED_OUT: The job ran past the timeout and was stopped.
Resume with: tamr-refresh run --config refresh.json --resume
`,
  );
});

// ---------------------------------------------------------------------------------------------
// Failures are never hidden

/** What Tamr says when a load cannot be planned: longer than three lines of 80 columns. */
const LONG_REASON = {
  reason: "PLANNING_FAILED",
  message: "Failed to plan the load of source erp_customers_eu_west: column 'customer_ref' in " +
    "the source mapping was not found in the file header of " +
    "s3://acme-landing/erp/customers/eu-west/2024-06-03/part-0001.csv (found: id, name, " +
    "country, created_at, updated_at). Update the source mapping or re-export the file, then " +
    "run the job again.",
};
const LONG_JOB_IDS = [
  "job_5f3c9a7e-2b1d-4e8f-9a6c-0d7b3e1f45f7",
  "job_0b9e2c4d-7a1f-4c3e-8b2d-5e6f7a8b9c0d",
];

/** Two sources with long job ids: the first fails with a long reason, the second succeeds. */
function longFailureRun() {
  return run({ sources: ["erp_customers_eu_west", "crm_accounts"], dataProduct: "customers" })
    .start(0)
    .launch(0, "load:erp_customers_eu_west", LONG_JOB_IDS[0]!)
    .launch(0, "load:crm_accounts", LONG_JOB_IDS[1]!)
    .step(40, "load:erp_customers_eu_west", "failed", { jobState: "DONE", error: LONG_REASON })
    .succeed(50, "load:crm_accounts")
    .step(50, "update:customers", "skipped")
    .finish(51, "failed", 1, {
      message: "load:erp_customers_eu_west failed.",
      resumeCommand: "tamr-refresh run --resume --state /home/ana/.local/state/tamr-refresh/" +
        "acme--customers.json",
    });
}

Deno.test("the end of a failed run at 80 and 60 columns shows the whole reason and the full job ids", () => {
  const state = longFailureRun().state();
  for (const columns of [80, 60]) {
    const lines = frame(<Dashboard state={state} now={at(99)} rows={24} columns={columns} />);
    for (const line of lines) {
      assert.ok(stringWidth(line) <= columns, `${columns} columns: ${JSON.stringify(line)}`);
    }
    assert.match(lineWith(lines, "erp_"), /✖ erp_.*PLANNING/, "the failed row is in the frame");
    const below = closingText(state, columns).split("\n");
    const step = below.findIndex((l) => l.startsWith("  ✖ load:erp_customers_eu_west"));
    const withId = `  ✖ load:erp_customers_eu_west · ${LONG_JOB_IDS[0]}`;
    if (stringWidth(withId) <= columns) assert.equal(below[step], withId);
    else {
      assert.equal(below[step], "  ✖ load:erp_customers_eu_west");
      assert.equal(below[step + 1], `    ${LONG_JOB_IDS[0]}`, "the whole job id on its own line");
    }
    const reason = below.filter((l) => l.startsWith("    ") && !l.includes(LONG_JOB_IDS[0]!))
      .map((l) => l.trim()).join(" ");
    assert.equal(reason, `${LONG_REASON.reason}: ${LONG_REASON.message}`, "nothing of it is cut");
    for (const line of below) {
      // A line may pass the width only when it is one word: an id or a path, kept whole.
      const words = line.trim().split(" ");
      assert.ok(stringWidth(line) <= columns || words.length === 1 || line.startsWith("Resume"));
    }
    assert.ok(below.includes(`Resume with: ${state.finish!.resumeCommand}`), below.join("\n"));
  }
});

/** 200 sources mid-run (160 succeeded, 4 running, 1 failed, 35 waiting), then the data product. */
function bigRun() {
  const sources = Array.from({ length: 200 }, (_, i) => `src-${String(i).padStart(3, "0")}`);
  const r = run({ sources, dataProduct: "customers", workflow: "wf-1" }).start(0);
  for (let i = 0; i < 160; i++) {
    r.launch(i, `load:${sources[i]}`, `job-${i}`).succeed(i + 5, `load:${sources[i]}`);
  }
  for (let i = 160; i < 164; i++) r.launch(190, `load:${sources[i]}`, `job-${i}`);
  r.step(195, `load:${sources[164]}`, "failed", {
    jobId: "job-164",
    jobState: "DONE",
    error: LONG_REASON,
  });
  for (let i = 165; i < 200; i++) r.step(190, `load:${sources[i]}`, "queued");
  return { r, sources };
}

Deno.test("Dashboard keeps the failed row at 60x12 with 200 steps folded, mid-run and at the end", () => {
  const { r } = bigRun();
  const mid = frame(<Dashboard state={r.state()} now={at(200)} rows={12} columns={60} />);
  assert.ok(mid.length <= 11, `the frame has ${mid.length} lines:\n${mid.join("\n")}`);
  assert.match(lineWith(mid, "src-164"), /^ {2}✖ src-164 +job-164 +DONE +\S+ +PLANNING_FAILED$/);
  assert.equal(lineWith(mid, "sources succeeded"), "  ✔ 160 sources succeeded");

  for (let i = 160; i < 164; i++) r.succeed(210, `load:src-${i}`);
  r.step(210, "update:customers", "skipped").step(210, "index:wf-1", "skipped");
  r.finish(211, "interrupted", 130, { message: "Interrupted by SIGINT." });
  const end = frame(<Dashboard state={r.state()} now={at(999)} rows={12} columns={60} />);
  assert.ok(end.length <= 11, `the frame has ${end.length} lines:\n${end.join("\n")}`);
  assert.match(lineWith(end, "src-164"), /^ {2}✖ src-164 +job-164 +DONE +\S+ +PLANNING_FAILED$/);
  assert.equal(lineWith(end, "sources not"), "  ○ 35 sources not started");
  assert.match(closingText(r.state(), 60), /^ {2}✖ load:src-164 · job-164$/m);
});

Deno.test("Dashboard never folds a failed row, even when the failed rows alone fill the frame", () => {
  const sources = Array.from({ length: 40 }, (_, i) => `s${i}`);
  const r = run({ sources, dataProduct: "customers" }).start(0);
  for (const s of sources.slice(0, 3)) {
    r.step(5, `load:${s}`, "failed", { jobId: `job-${s}`, jobState: "DONE", error: LONG_REASON });
  }
  r.step(5, "load:s3", "stopped", {
    jobId: "job-s3",
    jobState: "DONE",
    error: { reason: "STOPPED_BY_USER", message: "Stopped by ana@acme.com." },
  });
  for (const s of sources.slice(4)) r.launch(5, `load:${s}`, `job-${s}`).succeed(6, `load:${s}`);
  const lines = frame(<Dashboard state={r.state()} now={at(9)} rows={10} columns={60} />);
  assert.ok(lines.length <= 9, lines.join("\n"));
  for (const s of ["s0", "s1", "s2"]) assert.match(lineWith(lines, ` ${s} `), /✖/);
  assert.match(lineWith(lines, " s3 "), /■/, "stopped by someone else: kept too");
});

/** The header's bar and counts line of a state. */
function statusLine(state: RunState, columns = 100): string {
  return lineWith(frame(<Dashboard state={state} now={at(999)} columns={columns} />), "/");
}

Deno.test("Dashboard's bar is full only when every step succeeded", () => {
  const sources = Array.from({ length: 199 }, (_, i) => `s${i}`);
  const r = run({ sources, dataProduct: "customers" }).start(0);
  for (const s of sources) r.launch(0, `load:${s}`, `job-${s}`).succeed(1, `load:${s}`);
  // 199 of 200 succeeded, the last one running: not full.
  r.launch(2, "update:customers", "job-dp");
  assert.match(statusLine(r.state()), /^█{19}░ 199\/200 succeeded · /);
  r.step(3, "update:customers", "failed", { jobState: "DONE", error: LONG_REASON });
  assert.match(statusLine(r.state()), /^█{19}✖ 199\/200 succeeded · \S+ · 1 failed$/);
  const done = run({ sources: ["a"], dataProduct: "customers" }).start(0)
    .launch(0, "load:a", "job-a").succeed(1, "load:a")
    .launch(1, "update:customers", "job-dp").succeed(2, "update:customers")
    .finish(2, "succeeded", 0);
  assert.match(statusLine(done.state()), /^█{20} 2\/2 succeeded · 2\.0s$/);
});

/** Two sources stopped by this run when the user quit; the data product never started. */
function interruptedRun() {
  return run({ sources: ["s1", "s2"], dataProduct: "dp" })
    .start(0)
    .launch(0, "load:s1", "job-1")
    .launch(0, "load:s2", "job-2")
    .step(5, "load:s1", "stopping")
    .step(5, "load:s2", "stopping")
    .step(6, "load:s1", "stopped", {
      jobState: "DONE",
      error: { reason: "STOPPED_BY_USER", message: "Stopped." },
    })
    .step(6, "load:s2", "stopped", {
      jobState: "DONE",
      error: { reason: "STOPPED_BY_USER", message: "Stopped." },
    })
    .finish(7, "interrupted", 130, { message: "Interrupted by SIGINT: 2 jobs were stopped." });
}

Deno.test("after an interrupt the bar shows the stopped part, and steps that never ran say not started", () => {
  const state = interruptedRun().state();
  const lines = frame(<Dashboard state={state} now={at(99)} columns={80} />);
  assert.equal(
    lineWith(lines, "0/3"),
    "■■■■■■■■■■■■■░░░░░░░ 0/3 succeeded · 7.0s · 2 stopped · 1 not started",
  );
  assert.match(lineWith(lines, " dp "), /^ {2}○ dp +not started$/);
  assert.equal(lines.at(-1), "■ Refresh interrupted in 7.0s · 2 stopped · 1 not started");
  // Stopped by this run: not listed as what went wrong.
  assert.equal(closingText(state, 80), "\nInterrupted by SIGINT: 2 jobs were stopped.\n");
  assert.doesNotMatch(lines.join("\n"), /waiting/);
});

/** Whether the Dashboard draws escape codes where colour is forced on (FORCE_COLOR=3). */
async function escapesWith(color: boolean): Promise<boolean> {
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = [
    `const { createElement } = await import("react");`,
    `const { render } = await import("ink-testing-library");`,
    `const { Dashboard } = await import(${url("../tui/dashboard.tsx")});`,
    `const { foldEvents } = await import(${url("../lib/kit/run/run_store.ts")});`,
    `const state = foldEvents(${JSON.stringify(runningRun().events)});`,
    `const r = render(createElement(Dashboard, { state, now: ${at(65)}, color: ${color} }));`,
    `console.log(r.lastFrame().includes(String.fromCharCode(27)) ? "escapes" : "plain");`,
    `r.unmount();`,
  ].join("\n");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--config", `${ROOT}deno.json`, script],
    env: childEnv({ FORCE_COLOR: "3" }),
    clearEnv: true,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim() === "escapes";
}

Deno.test("Dashboard with color off (NO_COLOR) draws no escape codes, even where colour is forced", async () => {
  assert.equal(await escapesWith(true), true, "colour forced on: the frame has escape codes");
  assert.equal(await escapesWith(false), false);
});

Deno.test("detachedText() says what goes on after detaching: a real run, and the demo", () => {
  const state = runningRun().state();
  assert.equal(
    detachedText(state, "tamr-refresh run --resume --state /tmp/j.json", 120),
    "Detached. The job already running keeps running on Tamr; later steps will not start until" +
      " you resume the run:\n  tamr-refresh run --resume --state /tmp/j.json\n",
  );
  // At 40 columns: wrapped between words, the command on one line however long.
  const narrow = detachedText(
    state,
    "tamr-refresh run --resume --state /tmp/a/long/path/j.json",
    40,
  );
  const lines = narrow.trimEnd().split("\n");
  for (const line of lines.slice(0, -1)) assert.ok(line.length <= 40, line);
  assert.equal(lines.at(-1), "  tamr-refresh run --resume --state /tmp/a/long/path/j.json");
  assert.match(lines.join(" "), /^Detached\. The job already running keeps running on Tamr; later/);
  assert.match(
    detachedText(state, undefined),
    /^Detached: the demo's tenant is built in and stops/,
  );
});

// ---------------------------------------------------------------------------------------------
// Keys

Deno.test("keyAction() maps q, Ctrl-C, y, n, Esc, d and ? to the dashboard's actions", () => {
  const none = { ctrl: false, escape: false };
  const ctrl = { ctrl: true, escape: false };
  const esc = { ctrl: false, escape: true };
  assert.deepEqual(keyAction(null, "q", none), { type: "overlay", overlay: "confirm-quit" });
  assert.deepEqual(keyAction(null, "c", ctrl), { type: "overlay", overlay: "confirm-quit" });
  assert.deepEqual(keyAction(null, "c", none), { type: "none" });
  assert.deepEqual(keyAction("confirm-quit", "y", none), { type: "quit" });
  assert.deepEqual(keyAction("confirm-quit", "c", ctrl), { type: "quit" });
  assert.deepEqual(keyAction("confirm-quit", "n", none), { type: "overlay", overlay: null });
  assert.deepEqual(keyAction("confirm-quit", "", esc), { type: "overlay", overlay: null });
  assert.deepEqual(keyAction("confirm-quit", "d", none), { type: "none" });
  assert.deepEqual(keyAction(null, "d", none), { type: "detach" });
  assert.deepEqual(keyAction(null, "?", none), { type: "overlay", overlay: "help" });
  assert.deepEqual(keyAction("help", "?", none), { type: "overlay", overlay: null });
  assert.deepEqual(keyAction("help", "", esc), { type: "overlay", overlay: null });
  assert.deepEqual(keyAction(null, "q", none, true), { type: "none" }, "already quitting");
  assert.deepEqual(keyAction(null, "d", none, true), { type: "none" }, "already quitting");
});

/** Timers that run only when told, for the throttle. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout(fn: () => void, ms: number): unknown {
      due.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout(id: unknown) {
      due.delete(id as number);
    },
    tick(ms: number) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          due.delete(id);
          t.fn();
        }
      }
    },
    pending: () => due.size,
  };
}

Deno.test("frameThrottle() draws a burst of notifications once per 100 ms and at once when asked", () => {
  const timers = fakeTimers();
  let draws = 0;
  const frames = frameThrottle(() => draws++, 100, timers);
  for (let i = 0; i < 50; i++) frames.notify();
  assert.equal(draws, 0, "the burst waits for the frame");
  timers.tick(99);
  assert.equal(draws, 0);
  timers.tick(1);
  assert.equal(draws, 1, "50 notifications, one frame");
  frames.notify();
  timers.tick(30);
  frames.notify();
  frames.now();
  assert.equal(draws, 2, "now() draws at once");
  timers.tick(200);
  assert.equal(draws, 2, "and drops the frame that was pending");
  frames.notify();
  frames.dispose();
  timers.tick(200);
  assert.equal(draws, 2, "dispose() drops a pending frame");
  assert.equal(timers.pending(), 0, "no timer is left behind");
});

// ---------------------------------------------------------------------------------------------
// The live app, on fake streams

class FakeStdout extends EventEmitter {
  columns = 100;
  rows = 40;
  isTTY = false;
  writes: string[] = [];
  write(chunk: unknown, ...rest: unknown[]): boolean {
    this.writes.push(String(chunk));
    const cb = rest.find((x) => typeof x === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }
  /** The last frame drawn, as a person reads it. */
  lastFrame(): string {
    const drawn = this.writes.map(plain).filter((w) => w.trim() !== "");
    return drawn.at(-1) ?? "";
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  press(data: string): void {
    this.queue.push(data);
    this.emit("readable");
  }
}

/** Waits until `ok()` holds, polling briefly; fails after `ms`. */
async function until(ok: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function live(columns = 100) {
  const bus = createRunStore();
  const stdout = new FakeStdout();
  stdout.columns = columns;
  const stdin = new FakeStdin();
  const calls = { quit: 0, detach: 0 };
  const hold = createHold();
  const done = runDashboard({
    store: bus,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    onQuit: () => calls.quit++,
    onDetach: () => calls.detach++,
    clock: { now: () => at(65) },
    hold,
  });
  return { bus, stdout, stdin, calls, done, hold };
}

Deno.test("runDashboard() resolves when the finish event arrives and leaves the summary on screen", async () => {
  const { bus, stdout, done } = live();
  const r = runningRun();
  for (const e of r.events) bus.emit(e);
  await until(() => stdout.lastFrame().includes("job-102"), "the running frame");
  r.succeed(70, "load:erp").step(70, "load:web", "skipped").step(70, "update:customers", "skipped")
    .step(70, "publish:s3", "skipped").finish(71, "failed", 1);
  for (const e of r.events.slice(-5)) bus.emit(e);
  assert.deepEqual(await done, { detached: false, quit: false });
  const last = stdout.lastFrame();
  assert.match(last, /✖ Refresh failed in 1m11s · 2 succeeded · 3 skipped/);
});

Deno.test("runDashboard() draws a burst of events as one frame", async () => {
  const { bus, stdout, done } = live();
  const r = runningRun();
  bus.emit(r.events[0]!);
  await until(() => stdout.lastFrame().includes("0/5 succeeded"), "the first frame");
  const before = stdout.writes.length;
  for (const e of r.events.slice(1)) bus.emit(e);
  await until(() => stdout.lastFrame().includes("1/5 succeeded"), "the frame after the burst");
  const frames = stdout.writes.slice(before).filter((w) => plain(w).includes("/5 succeeded"))
    .length;
  assert.equal(frames, 1, `${r.events.length - 1} events drew ${frames} frames`);
  bus.emit(r.finish(70, "interrupted", 130).events.at(-1)!);
  await done;
});

Deno.test("runDashboard() calls onDetach and resolves detached when d is pressed", async () => {
  const { bus, stdout, stdin, calls, done } = live();
  for (const e of runningRun().events) bus.emit(e);
  await until(() => stdout.lastFrame().includes("job-102"), "the running frame");
  stdin.press("d");
  assert.deepEqual(await done, { detached: true, quit: false });
  assert.equal(calls.detach, 1);
  assert.equal(calls.quit, 0);
});

Deno.test("runDashboard() asks on q, calls onQuit on y, and keeps drawing until the finish event", async () => {
  const { bus, stdout, stdin, calls, done } = live();
  const r = runningRun();
  for (const e of r.events) bus.emit(e);
  await until(() => stdout.lastFrame().includes("job-102"), "the running frame");
  stdin.press("q");
  await until(
    () => stdout.lastFrame().includes("Stop 1 running job and quit? y/n"),
    "the question",
  );
  stdin.press("n");
  await until(() => stdout.lastFrame().includes("? help"), "the keys again");
  stdin.press("q");
  await until(() => stdout.lastFrame().includes("y/n"), "the question again");
  stdin.press("y");
  await until(() => stdout.lastFrame().includes("Stopping our jobs"), "the stopping line");
  assert.equal(calls.quit, 1);
  r.step(66, "load:erp", "stopping").step(67, "load:erp", "stopped", { jobState: "DONE" })
    .finish(68, "interrupted", 130);
  for (const e of r.events.slice(-3)) bus.emit(e);
  assert.deepEqual(await done, { detached: false, quit: true });
  assert.match(stdout.lastFrame(), /■ Refresh interrupted/);
});

Deno.test("runDashboard() holds the run while the quit question is on screen, and on detach", async () => {
  const { bus, stdout, stdin, done, hold } = live();
  const r = runningRun();
  for (const e of r.events) bus.emit(e);
  await until(() => stdout.lastFrame().includes("job-102"), "the running frame");
  assert.equal(hold.held, false);
  stdin.press("q");
  await until(() => stdout.lastFrame().includes("quit? y/n"), "the question");
  assert.equal(hold.held, true, "no new step starts while the user decides");
  stdin.press("n");
  await until(() => stdout.lastFrame().includes("? help"), "the keys again");
  assert.equal(hold.held, false, "n lets the run go on");
  stdin.press("q");
  await until(() => stdout.lastFrame().includes("quit? y/n"), "the question again");
  stdin.press("\u001b");
  await until(() => stdout.lastFrame().includes("? help"), "the keys after Esc");
  assert.equal(hold.held, false, "Esc lets the run go on");
  stdin.press("d");
  assert.deepEqual(await done, { detached: true, quit: false });
  assert.equal(hold.held, true, "detached: later steps wait for --resume");
});

Deno.test("runDashboard() prints what went wrong whole below the last frame, once, at 60 columns", async () => {
  const { bus, stdout, done } = live(60);
  const r = longFailureRun();
  for (const e of r.events) bus.emit(e);
  await done;
  const text = closingText(r.state(), 60);
  const after = stdout.writes.map(plain).join("");
  assert.equal(after.split(text).length - 1, 1, `printed once:\n${after}`);
  assert.ok(after.endsWith(text), "after the last frame, and nothing after it");
  assert.match(text, /^ {4}job_5f3c9a7e-2b1d-4e8f-9a6c-0d7b3e1f45f7$/m);
});

/** Which build of React a process gets when the dashboard is the first to load it. */
async function reactBuildOf(env: Record<string, string>): Promise<string> {
  const script = [
    `await import(${JSON.stringify(new URL("../tui/interactive.ts", import.meta.url).href)});`,
    `const { createElement } = await import("react");`,
    // React's development build marks every element with a _store for its key warnings.
    `console.log("_store" in createElement("div") ? "development" : "production");`,
  ].join("\n");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--config", `${ROOT}deno.json`, script],
    env: childEnv(env),
    clearEnv: true,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("the live dashboard runs on React's production build unless NODE_ENV asks otherwise", async () => {
  assert.equal(await reactBuildOf({}), "production");
  assert.equal(await reactBuildOf({ NODE_ENV: "development" }), "development");
});
