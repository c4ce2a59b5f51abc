import assert from "node:assert/strict";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import { createJsonReporter } from "../lib/app/outputs/json.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { progress, summarize } from "../lib/kit/run/summary.ts";
import { asRun, t } from "./_events.ts";
import { timeOfDay } from "../lib/app/outputs/time_text.ts";

const events: RunEvent[] = [
  {
    type: "start",
    time: t(0),
    version: 1,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp",
    concurrency: 4,
    steps: [
      { step: "load:s1", kind: "load", target: "s1", dependsOn: [], body: { configuration: {} } },
      { step: "load:s2", kind: "load", target: "s2", dependsOn: [], body: { configuration: {} } },
      {
        step: "update:dp",
        kind: "update",
        target: "dp",
        dependsOn: ["load:s1", "load:s2"],
        body: { configuration: {} },
      },
    ],
  },
  { type: "step", time: t(0), step: "load:s1", kind: "load", target: "s1", state: "creating" },
  { type: "step", time: t(0), step: "load:s2", kind: "load", target: "s2", state: "creating" },
  {
    type: "step",
    time: t(1),
    step: "load:s1",
    kind: "load",
    target: "s1",
    state: "running",
    jobId: "job_1",
    jobState: "PENDING",
  },
  {
    type: "retry",
    time: t(2),
    step: "load:s2",
    method: "POST",
    path: "/api/v1beta1/jobs",
    status: 429,
    attempt: 1,
    delayMs: 500,
    reason: "HTTP 429",
  },
  {
    type: "step",
    time: t(5),
    step: "load:s2",
    kind: "load",
    target: "s2",
    state: "failed",
    jobId: "job_2",
    jobState: "DONE",
    error: { reason: "PLANNING_FAILED", message: "Source file missing." },
  },
  {
    type: "step",
    time: t(9),
    step: "load:s1",
    kind: "load",
    target: "s1",
    state: "succeeded",
    jobId: "job_1",
    jobState: "DONE",
  },
  { type: "step", time: t(9), step: "update:dp", kind: "update", target: "dp", state: "skipped" },
  {
    type: "finish",
    time: t(10),
    outcome: "failed",
    exitCode: 1,
    steps: [],
    message: "load:s2 failed.",
    resumeCommand: "tamr-refresh run --resume --state j.json",
  },
];

Deno.test("the run store folds a run into step views, durations, retries and the latest failure", () => {
  const view = foldEvents(events);
  assert.equal(view.retries, 1);
  assert.equal(view.steps.find((s) => s.id === "load:s2")!.retries, 1);
  assert.deepEqual(progress(view), { done: 3, total: 3, failed: 1, stopped: 0 });
  assert.equal(view.notice?.level, "failure");
  assert.match(view.notice!.message, /PLANNING_FAILED: Source file missing\./);
  assert.deepEqual(
    summarize(view).map((s) => [s.step, s.outcome, s.durationMs, s.jobId]),
    [
      ["load:s1", "succeeded", 9000, "job_1"],
      ["load:s2", "failed", 5000, "job_2"],
      ["update:dp", "skipped", null, null],
    ],
  );
});

Deno.test("the text reporter prints one line per change and a summary table", () => {
  let out = "";
  const store = createRunStore();
  store.subscribe(createTextReporter((s) => (out += s)));
  asRun(events).forEach((e) => store.emit(e));
  const lines = out.split("\n");
  // Lines start with the local time of day, whatever the machine's time zone.
  const at = (s: number) => timeOfDay(Date.parse(t(s)));
  assert.ok(lines[0]!.startsWith(`${at(0)} refreshing dp on acme`), lines[0]);
  assert.ok(
    lines.some((l) => l.startsWith(`${at(1)} load:s1 `) && /job_1 +running \(PENDING\)$/.test(l)),
  );
  assert.ok(
    lines.some((l) =>
      /load:s2 +job_2 +failed \(DONE\): PLANNING_FAILED: Source file missing\./.test(l)
    ),
  );
  assert.ok(!out.includes("retry"), "retries are shown only with --verbose");
  assert.ok(lines.some((l) => /^load:s1 +job_1 +succeeded +9\.0s$/.test(l)), out);
  assert.ok(lines.some((l) => /^update:dp +- +skipped +-$/.test(l)));
  assert.match(out, /Run failed in 10s \(exit 1\): load:s2 failed\./);
  assert.match(out, /Resume with: tamr-refresh run --resume --state j\.json/);
});

Deno.test("the JSON reporter writes one parseable event per line", () => {
  let out = "";
  const report = createJsonReporter((s) => (out += s));
  events.forEach(report);
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, events.length);
  assert.deepEqual(lines.map((l) => JSON.parse(l).type), events.map((e) => e.type));
});
