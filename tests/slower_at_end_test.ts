/**
 * "Slower than usual" for a job that ends between two polls past its threshold: judged when the
 * step succeeds on Tamr's own time (creation to DONE), by the same rule the report applies, said
 * once as a warning worded for a finished step, and marked on the step for the views.
 */
import assert from "node:assert/strict";
import type { Job } from "../lib/kit/api/types.ts";
import type { RunEvent, WarningEvent } from "../lib/kit/run/events.ts";
import { isSlowerThanUsual, slowWatch } from "../lib/kit/run/slower_than_usual.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import { MINUTE, runOnSim } from "./_pipeline.ts";

const doneJob = (createdMs: number, doneMs: number): Job => ({
  jobId: "job_1",
  status: { state: "DONE", stateStartTime: new Date(doneMs).toISOString() },
  statusHistory: [
    { state: "PENDING", stateStartTime: new Date(createdMs).toISOString() },
    { state: "DONE", stateStartTime: new Date(doneMs).toISOString() },
  ],
} as unknown as Job);

Deno.test("a job that succeeded past its threshold unseen is said once: took longer than usual", () => {
  const said: string[] = [];
  let now = 0;
  const watch = slowWatch({ samples: 3, medianMs: 9_000, p10Ms: 8_000, p90Ms: 10_600 }, {
    attached: false,
    now: () => now,
    warn: (message) => said.push(message),
  });
  now = 10_000;
  watch({ jobId: "job_1", status: { state: "RUNNING" } } as Job); // within its usual time
  now = 11_000;
  const done = doneJob(0, 10_800);
  watch(done); // a poll that sees DONE says nothing itself
  assert.deepEqual(said, []);
  watch.succeeded(done);
  watch.succeeded(done);
  assert.deepEqual(said, [
    "Took longer than usual: 10.8s, while 90% of earlier runs took at most 10.6s.",
  ]);
});

Deno.test("a job within its threshold, or already warned while running, says nothing more", () => {
  const said: string[] = [];
  let now = 0;
  const stats = { samples: 3, medianMs: 9_000, p10Ms: 8_000, p90Ms: 10_600 };
  const opts = { attached: false, now: () => now, warn: (m: string) => said.push(m) };
  slowWatch(stats, opts).succeeded(doneJob(0, 10_500));
  assert.deepEqual(said, []);
  const watch = slowWatch(stats, opts);
  now = 11_000;
  watch({ jobId: "job_1", status: { state: "RUNNING" } } as Job);
  watch.succeeded(doneJob(0, 12_000));
  assert.equal(said.length, 1);
  assert.match(said[0]!, /^Slower than usual: running for 11s/);
});

Deno.test("a run whose job ends between polls past its p90 warns at the end and marks the step", async () => {
  const expected = new Map([
    // The data product usually takes 9 minutes, at most 10 minutes less 0.1 s in 90% of runs.
    ["update:dp", {
      samples: 5,
      medianMs: 9 * MINUTE,
      p10Ms: 8 * MINUTE,
      p90Ms: 10 * MINUTE - 100,
    }],
  ]);
  const { result, events } = await runOnSim(
    { pendingMs: 0, durations: { default: MINUTE, "update:dp": 10 * MINUTE } },
    { plan: { sources: ["s1"], dataProduct: "dp" }, run: { expected } },
  );
  assert.equal(result.outcome, "succeeded");
  const warnings = events.filter((e): e is WarningEvent => e.type === "warning");
  assert.deepEqual(warnings.map((w) => [w.step, w.message]), [[
    "update:dp",
    "Took longer than usual: 10m00.0s, while 90% of earlier runs took at most 9m59.9s.",
  ]]);
  const state = foldEvents(events);
  const dp = state.byId.get("update:dp")!;
  assert.equal(isSlowerThanUsual(dp, state.finishedAt!), true);
  assert.equal(isSlowerThanUsual(state.byId.get("load:s1")!, state.finishedAt!), false);
  let text = "";
  const store = createRunStore();
  store.subscribe(createTextReporter((t) => (text += t)));
  for (const e of events as RunEvent[]) store.emit(e);
  const line = text.split("\n").find((l) => /update:dp .* succeeded/.test(l))!;
  assert.match(line, /succeeded \(DONE\), took longer than usual$/);
});
