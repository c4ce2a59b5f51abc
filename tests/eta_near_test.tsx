/**
 * An expected end a few minutes away is shown to the second, in the text output and the
 * dashboard's header (which still fits 60 columns); further away, to the minute.
 */
import assert from "node:assert/strict";
import { render } from "ink-testing-library";
import { endText, NEAR_END_MS } from "../lib/app/outputs/eta_text.ts";
import { timeOfDay } from "../lib/app/outputs/time_text.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { Dashboard } from "../tui/dashboard.tsx";
import { startOfPlan } from "./_events.ts";

const T0 = Date.parse("2025-03-01T08:53:16.000Z");
const MIN = 60_000;

Deno.test("endText() is to the second within ten minutes of the end, to the minute beyond", () => {
  const eta = (remainingMs: number, lowerBound = false) => ({
    endsAt: T0 + remainingMs,
    remainingMs,
    lowerBound,
    unknownSteps: 0,
  });
  assert.equal(endText(eta(17_000)), `~${timeOfDay(T0 + 17_000)} (in 17s)`);
  assert.equal(
    endText(eta(NEAR_END_MS - 5_000)),
    `~${timeOfDay(T0 + NEAR_END_MS - 5_000)} (in 9m55s)`,
  );
  assert.equal(endText(eta(185_000, true)), `after ~${timeOfDay(T0 + 185_000)} (3m05s+)`);
  assert.equal(endText(eta(17_000), { short: true }), `~${timeOfDay(T0 + 17_000)}`);
  // Ten minutes or more: the nearest minute.
  assert.match(endText(eta(NEAR_END_MS + 30_000))!, /^~\d\d:\d\d \(in 11m\)$/);
});

/** A plan of one source that usually takes 17 s, started at T0. */
function shortRun(): RunEvent[] {
  const plan = buildPlan({ sources: ["s1"], dataProduct: "dp" });
  const time = new Date(T0).toISOString();
  return [
    startOfPlan(plan, { time, concurrency: 2, usual: { "load:s1": 17_000 / MIN } }),
    { type: "step", time, step: "load:s1", kind: "load", target: "s1", state: "creating" },
    {
      type: "step",
      time,
      step: "load:s1",
      kind: "load",
      target: "s1",
      state: "running",
      jobId: "job_1",
      jobState: "RUNNING",
      expectedMs: 17_000,
    },
  ];
}

Deno.test("the text output says a near end to the second", () => {
  let out = "";
  const store = createRunStore();
  store.subscribe(createTextReporter((s) => (out += s)));
  for (const e of shortRun()) store.emit(e);
  // The source (17 s) is all there is; the data product's duration is unknown: a lower bound.
  const line = out.split("\n").find((l) => l.includes("expected end"))!;
  assert.match(line, new RegExp(`expected end after ~${timeOfDay(T0 + 17_000)} \\(17s\\+\\)`));
});

Deno.test("the dashboard's header says a near end to the second, within 60 columns", () => {
  const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[ -/]*[@-~]", "g");
  for (const columns of [60, 100]) {
    const r = render(
      <Dashboard state={foldEvents(shortRun())} now={T0 + 5_000} columns={columns} />,
    );
    const lines = (r.lastFrame() ?? "").replace(ANSI, "").split("\n").map((l) => l.trimEnd());
    r.unmount();
    r.cleanup();
    const head = lines.find((l) => l.includes("succeeded"))!;
    assert.ok(head.length <= columns, `${head.length}: ${head}`);
    assert.ok(head.includes(`ends after ~${timeOfDay(T0 + 17_000)}`), head);
  }
});
