/**
 * A job this run asked Tamr to stop (a second Ctrl-C gave up before its end was seen): the journal
 * remembers the request, and a resume that finds the job stopped runs the step again instead of
 * calling it stopped by someone else.
 */
import assert from "node:assert/strict";
import { applyToJournal, newJournal } from "../lib/app/journal/journal.ts";
import type { PriorStep } from "../lib/kit/run/step.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { MINUTE, runOnSim, SECOND } from "./_pipeline.ts";

const plan = { sources: ["s1"], dataProduct: "dp" };
const scenario = { pendingMs: 0, stoppingMs: 300, durations: { default: 2 * MINUTE } };

/** Runs the plan as a resume whose journal had `load:s1` on a job made by `make`. */
async function resumeWith(make: "stopped" | "running", stopRequested: boolean) {
  const prior = new Map<string, PriorStep>();
  const run = await runOnSim(scenario, {
    plan,
    run: { prior },
    setup: async (sim, clock) => {
      const jobId = sim.tenant.create({ configuration: { load: { sourceId: "s1" } } }).jobId;
      if (make === "stopped") sim.tenant.stop(jobId);
      await clock.sleep(SECOND);
      prior.set("load:s1", { jobId, ...(stopRequested ? { stopRequested: true } : {}) });
    },
  });
  return { run, old: prior.get("load:s1")!.jobId! };
}

Deno.test("a resumed step whose job this run asked to stop, and which ended stopped, runs again", async () => {
  const { run, old } = await resumeWith("stopped", true);
  assert.equal(run.result.exitCode, 0, run.result.message);
  const loads = run.sim.creates().filter((j) => "load" in j.configuration);
  assert.equal(loads.length, 2, "the stopped job and a new one");
  const s1 = run.result.steps.find((s) => s.step === "load:s1")!;
  assert.notEqual(s1.jobId, old);
  assert.equal(s1.outcome, "succeeded");
});

Deno.test("a resumed job stopped by someone else (no request of ours) is still 'stopped', exit 1", async () => {
  const { run } = await resumeWith("stopped", false);
  assert.equal(run.result.exitCode, 1);
  assert.equal(run.result.steps.find((s) => s.step === "load:s1")!.outcome, "stopped");
  assert.equal(run.sim.creates().filter((j) => "load" in j.configuration).length, 1);
});

Deno.test("a resumed job this run asked to stop that is still running is polled, not made again", async () => {
  const { run, old } = await resumeWith("running", true);
  assert.equal(run.result.exitCode, 0, run.result.message);
  assert.equal(run.sim.creates().filter((j) => "load" in j.configuration).length, 1);
  assert.equal(run.result.steps.find((s) => s.step === "load:s1")!.jobId, old);
});

Deno.test("the journal keeps a stop this run asked for, not a STOPPING seen on Tamr, until the step runs again", () => {
  const j = newJournal(
    buildPlan(plan),
    { tenant: "acme", baseUrl: "https://acme.tamr.cloud" },
    "2026-12-01T10:00:00.000Z",
  );
  const step = (state: string, extra: Partial<RunEvent> = {}) =>
    ({
      type: "step",
      time: "2026-12-01T10:01:00.000Z",
      step: "load:s1",
      kind: "load",
      target: "s1",
      state,
      ...extra,
    }) as RunEvent;
  applyToJournal(j, step("running", { jobId: "job_1", jobState: "RUNNING" }));
  applyToJournal(j, step("stopping", { jobId: "job_1", jobState: "STOPPING" }));
  assert.equal(j.steps["load:s1"]!.stopRequested, undefined, "someone else's stop");
  applyToJournal(j, step("stopping", { jobId: "job_1" }));
  assert.equal(j.steps["load:s1"]!.stopRequested, true);
  applyToJournal(j, step("creating"));
  assert.equal(j.steps["load:s1"]!.stopRequested, undefined, "run again: afresh");
  assert.equal(j.steps["load:s1"]!.jobId, undefined);
});
