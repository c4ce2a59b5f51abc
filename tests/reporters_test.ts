import assert from "node:assert/strict";
import type { PlanStepSummary, RunEvent, StepEvent } from "../lib/kit/run/events.ts";
import { clockTime } from "../lib/app/outputs/eta_text.ts";
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
  const store = createRunStore();
  store.subscribe(createJsonReporter((s) => (out += s)));
  events.forEach((e) => store.emit(e));
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, events.length);
  assert.deepEqual(lines.map((l) => JSON.parse(l).type), events.map((e) => e.type));
});

// ---------------------------------------------------------------------------------------------
// The expected end, and steps slower than usual

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const m = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

/** Two sources (5 and 3 min, the first's p90 6 min) and the data product (10 min) after them. */
function etaRun(s1EndsAt: number): RunEvent[] {
  const step = (
    min: number,
    id: string,
    state: StepEvent["state"],
    extra: Partial<StepEvent> = {},
  ) =>
    ({
      type: "step",
      time: m(min),
      step: id,
      kind: id.split(":")[0] as "load",
      target: id.split(":")[1]!,
      state,
      ...extra,
    }) as const;
  const plan = (id: string, dependsOn: string[]): PlanStepSummary => ({
    step: id,
    kind: id.split(":")[0] as PlanStepSummary["kind"],
    target: id.split(":")[1]!,
    dependsOn,
    body: { configuration: {} },
  });
  return [
    {
      type: "start",
      time: m(0),
      version: 1,
      tenant: "acme",
      baseUrl: "https://acme.tamr.cloud",
      dataProduct: "dp",
      concurrency: 4,
      steps: [
        { ...plan("load:s1", []), expectedMs: 5 * MIN, p90Ms: 6 * MIN },
        { ...plan("load:s2", []), expectedMs: 3 * MIN },
        { ...plan("update:dp", ["load:s1", "load:s2"]), expectedMs: 10 * MIN },
      ],
    },
    step(0, "load:s1", "creating"),
    step(0, "load:s1", "running", { jobId: "job_1", jobState: "PENDING", expectedMs: 5 * MIN }),
    step(0, "load:s2", "creating"),
    step(0, "load:s2", "running", { jobId: "job_2", jobState: "PENDING", expectedMs: 3 * MIN }),
    step(3, "load:s2", "succeeded", { jobId: "job_2", jobState: "DONE" }),
    step(4, "load:s1", "running", { jobId: "job_1", jobState: "RUNNING" }),
    ...(s1EndsAt > 6
      ? [
        step(6.5, "load:s1", "running", { jobId: "job_1", jobState: "STOPPING" }),
        {
          type: "warning",
          time: m(6.5),
          step: "load:s1",
          jobId: "job_1",
          message: "Slower than usual: running for 6m30s, while 90% of earlier runs took at most " +
            "6m00s.",
        } as const,
      ]
      : []),
    step(s1EndsAt, "load:s1", "succeeded", { jobId: "job_1", jobState: "DONE" }),
    step(s1EndsAt, "update:dp", "creating"),
    step(s1EndsAt, "update:dp", "running", { jobId: "job_3", jobState: "RUNNING" }),
    step(s1EndsAt + 10, "update:dp", "succeeded", { jobId: "job_3", jobState: "DONE" }),
    { type: "finish", time: m(s1EndsAt + 10), outcome: "succeeded", exitCode: 0, steps: [] },
  ];
}

function textOf(events: RunEvent[]): string[] {
  let out = "";
  const store = createRunStore();
  store.subscribe(createTextReporter((s) => (out += s)));
  for (const e of asRun(events)) store.emit(e);
  return out.split("\n");
}

Deno.test("the text reporter says the expected end once at the start while the run goes as expected", () => {
  const lines = textOf(etaRun(5));
  const ends = lines.filter((l) => l.includes("expected end"));
  // Both sources side by side (5 min), then the data product (10 min): 15 minutes.
  assert.deepEqual(ends, [`${timeOfDay(T0)} expected end ~${clockTime(T0 + 15 * MIN)} (in 15m)`]);
  assert.equal(lines.indexOf(ends[0]!), 1, "right after the start line");
  assert.match(
    lines.find((l) => /load:s1 .*PENDING/.test(l))!,
    /running \(PENDING\), usually ~5m$/,
  );
  assert.match(lines.find((l) => /load:s2 .*PENDING/.test(l))!, /usually ~3m$/);
});

Deno.test("the text reporter says the expected end again when it moved a lot, and marks a slow step", () => {
  const lines = textOf(etaRun(9));
  const ends = lines.filter((l) => l.includes("expected end"));
  // s1 ended at 9 instead of 5: the data product runs 9–19.
  assert.deepEqual(ends, [
    `${timeOfDay(T0)} expected end ~${clockTime(T0 + 15 * MIN)} (in 15m)`,
    `${timeOfDay(T0 + 9 * MIN)} expected end ~${clockTime(T0 + 19 * MIN)} (in 10m)`,
  ]);
  assert.match(
    lines.find((l) => /load:s1 .*STOPPING/.test(l))!,
    /usually ~5m, slower than usual$/,
  );
  assert.ok(lines.some((l) => /warning: load:s1: Slower than usual: running for 6m30s/.test(l)));
});

Deno.test("the text reporter says a lower bound, and how many steps are unknown, with part of the history", () => {
  const events = etaRun(5);
  const start = events[0] as Extract<RunEvent, { type: "start" }>;
  delete start.steps[1]!.expectedMs;
  const ends = textOf(events).filter((l) => l.includes("expected end"));
  assert.equal(
    ends[0],
    `${timeOfDay(T0)} expected end after ~${clockTime(T0 + 15 * MIN)} (15m+); ` +
      `1 step has no earlier durations`,
  );
});

Deno.test("the JSON reporter adds an eta line after the start and when the end moved a lot", () => {
  let out = "";
  const store = createRunStore();
  store.subscribe(createJsonReporter((s) => (out += s)));
  for (const e of asRun(etaRun(9))) store.emit(e);
  const lines = out.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].type, "start");
  assert.equal(lines.at(-1).type, "finish");
  const etas = lines.filter((l) => l.type === "eta");
  // At the start: 5 + 10 minutes; at 9, s1 ended 4 minutes late: 9 + 10. Each end is seen the
  // poller's lag later (a few seconds a step), which the expected end counts.
  assert.deepEqual(etas.map(({ endsAt: _e, remainingMs: _r, ...rest }) => rest), [
    { type: "eta", time: m(0), lowerBound: false, unknownSteps: 0 },
    { type: "eta", time: m(9), lowerBound: false, unknownSteps: 0 },
  ]);
  for (const [eta, minutes] of [[etas[0], 15], [etas[1], 19]] as const) {
    const late = Date.parse(eta.endsAt) - Date.parse(m(minutes));
    assert.ok(late > 0 && late < 60_000, `${eta.endsAt}: ${late} ms after minute ${minutes}`);
    assert.equal(eta.remainingMs, Date.parse(eta.endsAt) - Date.parse(eta.time));
  }
  assert.equal(lines.indexOf(etas[0]), 1);
});
