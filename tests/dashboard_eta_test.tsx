/**
 * The dashboard's expected end and usual durations: the header says when the run is expected to
 * end, each running row its time so far against its usual time, and a step past the 90th
 * percentile of its earlier durations is marked; everything within 60 to 200 columns and small
 * heights (ink-testing-library, colour off).
 */
import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import stringWidth from "string-width";
import { startOfPlan } from "./_events.ts";
import type { RunEvent, StepEvent } from "../lib/kit/run/events.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import type { RunState } from "../lib/kit/run/run_state.ts";
import { clockTime } from "../lib/app/outputs/eta_text.ts";
import { Dashboard } from "../tui/dashboard.tsx";

const MIN = 60_000;
const T0 = Date.parse("2025-03-01T09:00:00.000Z");
const at = (minutes: number) => T0 + minutes * MIN;

const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[ -/]*[@-~]", "g");

/** The frame's lines as a person reads them. */
function frame(state: RunState, now: number, size: { columns?: number; rows?: number } = {}) {
  const r = render(
    <Dashboard state={state} now={now} columns={size.columns ?? 100} rows={size.rows} />,
  );
  const out = (r.lastFrame() ?? "").replace(ANSI, "").split("\n").map((l) => l.trimEnd());
  r.unmount();
  r.cleanup();
  return out;
}

function lineWith(lines: string[], needle: string): string {
  const line = lines.find((l) => l.includes(needle));
  assert.ok(line !== undefined, `no line has ${JSON.stringify(needle)} in:\n${lines.join("\n")}`);
  return line;
}

const PLAN: PlanInput = {
  sources: ["crm", "erp", "web"],
  dataProduct: "customers",
  destinations: ["s3"],
};
/** Usual minutes of each step; the p90 is a fifth more. */
const USUAL: Record<string, number> = {
  "load:crm": 3,
  "load:erp": 5,
  "load:web": 2,
  "update:customers": 10,
  "publish:s3": 2,
};

/** Concurrency 2: crm and erp running since 09:00, web and the rest waiting. */
function running(usual: Record<string, number> = USUAL): RunEvent[] {
  const plan = buildPlan(PLAN);
  const time = (m: number) => new Date(at(m)).toISOString();
  const p90 = Object.fromEntries(Object.entries(usual).map(([id, m]) => [id, m * 1.2]));
  const events: RunEvent[] = [
    startOfPlan(plan, { time: time(0), concurrency: 2, usual, p90 }),
  ];
  const step = (
    m: number,
    id: string,
    state: StepEvent["state"],
    extra: Partial<StepEvent> = {},
  ) => {
    const p = plan.steps.find((s) => s.id === id)!;
    events.push({
      type: "step",
      time: time(m),
      step: id,
      kind: p.kind,
      target: p.target,
      state,
      ...extra,
    });
  };
  for (
    const [id, job] of [["load:erp", "job_5f3c9a7e2b1d4e8f"], ["load:crm", "job_0b9e2c4d7a1f4c3e"]]
  ) {
    step(0, id!, "creating");
    step(0, id!, "running", { jobId: job!, jobState: "RUNNING" });
  }
  return events;
}

Deno.test("the header shows the run's expected end; running rows their time against the usual", () => {
  // At 09:02 both sources are on time: erp ends at 09:05, web runs 09:03–09:05, the data
  // product 09:05–09:15, the publish 09:15–09:17.
  const lines = frame(foldEvents(running()), at(2));
  assert.match(
    lineWith(lines, "succeeded"),
    new RegExp(`^░{20} 0/5 succeeded · 2m00s · ends ~${clockTime(at(17))} \\(in 15m\\)$`),
  );
  assert.match(lineWith(lines, "erp"), /^ {2}\S erp +job_5f3c9a7e2b1d4e8f +RUNNING +2m00s \/ ~5m$/);
  assert.match(lineWith(lines, "crm"), /RUNNING +2m00s \/ ~3m$/);
  assert.match(lineWith(lines, "web"), /^ {2}○ web +waiting$/, "a waiting row has no time");
});

Deno.test("a step past its p90 is marked slower than usual, and the expected end moves on", () => {
  // crm usually takes 3 min (p90 3.6): at 09:04 it is slower than usual.
  const lines = frame(foldEvents(running()), at(4));
  assert.match(lineWith(lines, "crm"), /RUNNING +4m00s \/ ~3m {2}slower than usual$/);
  assert.doesNotMatch(lineWith(lines, "erp"), /slower/);
  // crm is expected to need another tenth of its time (ends 09:04:24); erp ends 09:05; web runs
  // 09:04:24–09:06:24, then 10 + 2 minutes: 09:18:24, and the poller's lag in seeing each of those
  // ends (some 20 s in all): about 09:18:45.
  assert.match(lineWith(lines, "succeeded"), new RegExp(`ends ~${clockTime(at(19))} \\(in 15m\\)`));
});

Deno.test("with some steps unknown the header says the end is a lower bound", () => {
  // web unknown, counted as taking no time: erp ends at 09:05, then 10 + 2 minutes at least.
  const { ["load:web"]: _web, ...usual } = USUAL;
  const lines = frame(foldEvents(running(usual)), at(2));
  assert.match(
    lineWith(lines, "succeeded"),
    new RegExp(`ends after ~${clockTime(at(17))} \\(15m\\+\\)$`),
  );
});

Deno.test("without earlier durations there is no expected end and no usual time", () => {
  const lines = frame(foldEvents(running({})), at(2));
  assert.match(lineWith(lines, "succeeded"), /0\/5 succeeded · 2m00s$/);
  assert.match(lineWith(lines, "erp"), /RUNNING +2m00s$/);
});

Deno.test("the expected end and the slow mark fit every width from 60 to 200 columns and small heights", () => {
  const state = foldEvents(running());
  for (const columns of [60, 72, 80, 120, 200]) {
    for (const rows of [undefined, 14, 8]) {
      const lines = frame(state, at(4), { columns, ...(rows ? { rows } : {}) });
      const where = `${columns}x${rows ?? "∞"}:\n${lines.join("\n")}`;
      for (const l of lines) assert.ok(stringWidth(l) <= columns, `too wide at ${where}`);
      if (rows) assert.ok(lines.length <= rows - 1, `too tall at ${where}`);
      assert.match(lineWith(lines, "succeeded"), /· ends ~\d\d:\d\d/, where);
      assert.match(lineWith(lines, " crm "), /slow/, where);
    }
  }
  // At 60 columns the job ids keep their room: the usual times give way, the mark stays short.
  const narrow = frame(state, at(4), { columns: 60 });
  assert.match(lineWith(narrow, " crm "), /RUNNING +4m00s {2}slow$/);
  assert.match(
    lineWith(frame(state, at(4), { columns: 80 }), " crm "),
    /\/ ~3m {2}slower than usual$/,
  );
});

Deno.test("the finished frame has no expected end", () => {
  const events = running();
  events.push({
    type: "finish",
    time: new Date(at(20)).toISOString(),
    outcome: "interrupted",
    exitCode: 130,
    steps: [],
  });
  const lines = frame(foldEvents(events), at(20));
  assert.doesNotMatch(lines.join("\n"), /ends ~|\/ ~\dm|slower than usual/);
});

Deno.test("the help explains the usual times, the slow mark and the expected end", () => {
  const r = render(
    <Dashboard state={foldEvents(running())} now={at(2)} columns={100} overlay="help" />,
  );
  const text = (r.lastFrame() ?? "").replace(ANSI, "");
  r.unmount();
  r.cleanup();
  assert.match(text, /3m12s \/ ~5m {2}time so far \/ usual time/);
  assert.match(text, /slower than usual {2}longer than 90% of earlier runs/);
  assert.match(text, /ends ~14:32 {2}expected end of the run/);
});
