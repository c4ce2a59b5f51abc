import assert from "node:assert/strict";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { foldStep, newStepView } from "../lib/kit/run/run_state.ts";
import { progress, summarize } from "../lib/kit/run/summary.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { start, step, t } from "./_events.ts";

Deno.test("the run store folds each event once and hands listeners the event with the state", () => {
  const store = createRunStore();
  const seen: string[] = [];
  store.subscribe((e, s) => seen.push(`${e.type}:${s.version}:${s.counts.running}`));
  store.emit(start(["load:s1", "load:s2"]));
  store.emit(step(1, "load:s1", "running", { jobId: "job_1" }));
  assert.deepEqual(seen, ["start:1:0", "step:2:1"]);
  assert.equal(store.state.byId.get("load:s1")?.jobId, "job_1");
  assert.equal(store.state.steps[0], store.state.byId.get("load:s1"), "one view of each step");
});

Deno.test("the run store keeps counts per state as steps move", () => {
  const state = foldEvents([
    start(["load:s1", "load:s2", "update:dp"]),
    step(1, "load:s1", "creating"),
    step(2, "load:s1", "running", { jobId: "job_1" }),
    step(3, "load:s2", "running", { jobId: "job_2" }),
    step(4, "load:s1", "succeeded", { jobId: "job_1" }),
    step(5, "load:s2", "failed", { error: { reason: "PLANNING_FAILED", message: "No file." } }),
    step(5, "update:dp", "skipped"),
  ]);
  assert.equal(state.counts.succeeded, 1);
  assert.equal(state.counts.failed, 1);
  assert.equal(state.counts.skipped, 1);
  assert.equal(state.counts.running, 0);
  assert.equal(state.counts.waiting, 0);
  assert.deepEqual(progress(state), { done: 3, total: 3, failed: 1, stopped: 0 });
  assert.equal(state.notice?.message, "PLANNING_FAILED: No file.");
});

Deno.test("an event a listener emits is delivered to every listener after the current one", () => {
  const store = createRunStore();
  const order: string[] = [];
  store.subscribe((e) => {
    order.push(`a:${e.type}`);
    if (e.type === "start") {
      store.emit({ type: "warning", time: t(1), message: "from a listener" });
    }
  });
  store.subscribe((e) => order.push(`b:${e.type}`));
  store.emit(start(["load:s1"]));
  assert.deepEqual(order, ["a:start", "b:start", "a:warning", "b:warning"]);
  assert.equal(store.state.warnings, 1);
});

Deno.test("a retry event that names its step counts on that step and on the run", () => {
  const state = foldEvents([
    start(["load:s1", "load:s2"]),
    {
      type: "retry",
      time: t(1),
      step: "load:s2",
      method: "GET",
      path: "/api/v1beta1/jobs/job_2",
      status: 503,
      attempt: 1,
      delayMs: 500,
      reason: "answered 503",
    },
  ]);
  assert.equal(state.retries, 1);
  assert.equal(state.byId.get("load:s2")?.retries, 1);
  assert.equal(state.byId.get("load:s1")?.retries, 0);
});

Deno.test("foldStep() starts a step again afresh when a resume runs it after a failure", () => {
  const failed = foldStep(
    foldStep(newStepView({ step: "load:s1", kind: "load", target: "s1", dependsOn: [] }), {
      ...step(1, "load:s1", "running", { jobId: "job_1" }),
    }),
    step(2, "load:s1", "failed", { error: { reason: "X", message: "y" } }),
  );
  const again = foldStep(failed, step(3, "load:s1", "creating"));
  assert.equal(again.jobId, null);
  assert.equal(again.error, null);
  assert.equal(again.endedAt, null);
  assert.equal(again.startedAt, failed.startedAt, "the step's start is kept");
});

Deno.test("summarize() gives each step's outcome and duration in plan order", () => {
  const events: RunEvent[] = [
    start(["load:s1", "load:s2", "update:dp"]),
    step(1, "load:s1", "creating"),
    step(4, "load:s1", "succeeded", { jobId: "job_1" }),
    step(2, "load:s2", "creating"),
    step(3, "load:s2", "running", { jobId: "job_2" }),
  ];
  assert.deepEqual(
    summarize(foldEvents(events)).map((s) => [s.step, s.outcome, s.durationMs, s.jobId]),
    [
      ["load:s1", "succeeded", 3000, "job_1"],
      ["load:s2", "running", null, "job_2"],
      ["update:dp", "not_started", null, null],
    ],
  );
});
