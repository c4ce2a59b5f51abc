/**
 * Every way out of a run, on virtual time against the simulated tenant: a refused key, a poll that
 * cannot go on, an interrupt or a deadline with another run's job attached.
 */
import assert from "node:assert/strict";
import { InterruptedError } from "../lib/kit/errors.ts";
import { MINUTE, runOnSim, SECOND } from "./_pipeline.ts";
import type { Scenario } from "../lib/sim/scenario.ts";

const long: Scenario = { pendingMs: 5 * SECOND, durations: { default: 30 * MINUTE } };
const plan = { sources: ["s1", "s2"], dataProduct: "dp" };

Deno.test("a key refused mid-run ends it with exit 4, naming the jobs left running and what to check", async () => {
  const scenario: Scenario = {
    ...long,
    // The key is revoked after the first few requests: every request is refused from then on.
    faults: [{ kind: "outage", status: 401, forMs: 24 * 60 * MINUTE, after: 4 }],
  };
  const run = await runOnSim(scenario, {
    plan,
    run: { resumeCommand: "tamr-refresh run --resume --state j.json" },
  });
  assert.equal(run.result.exitCode, 4);
  const jobs = run.sim.creates();
  assert.equal(jobs.length, 2, "no job is created twice");
  for (const j of jobs) assert.notEqual(j.status.state, "DONE", "the key cannot stop them");
  assert.match(run.result.message, /Check TAMR_API_KEY/);
  for (const j of jobs) assert.ok(run.result.message.includes(j.jobId), run.result.message);
  assert.deepEqual(run.result.steps.map((s) => s.outcome), ["running", "running", "skipped"]);
  const finish = run.events.at(-1)!;
  assert.ok(finish.type === "finish" && finish.resumeCommand?.includes("--resume"));
});

Deno.test("a poll refused for good (403) stops the step's job before the run ends", async () => {
  const scenario: Scenario = {
    ...long,
    faults: [{ kind: "status", status: 403, path: "get", step: "load:s1", after: 2 }],
  };
  // Each job polled alone: the refusal is for one job's GET (a shared list would not meet it).
  const run = await runOnSim(scenario, { plan, run: { sharePolls: false } });
  assert.equal(run.result.exitCode, 4);
  const [s1, s2] = run.sim.creates();
  assert.equal(s1!.status.state, "DONE");
  assert.equal(s1!.status.error?.reason, "STOPPED_BY_USER", "load:s1's job was stopped");
  assert.equal(s2!.status.state, "DONE");
  assert.equal(s2!.status.error, undefined, "load:s2 ran to its end");
  assert.doesNotMatch(run.result.message, /Left running/);
});

Deno.test("an interrupt never stops another run's job that this run attached to", async () => {
  const controller = new AbortController();
  let other = "";
  const run = await runOnSim(long, {
    plan,
    run: { signal: controller.signal },
    before: (sim) => {
      other = sim.tenant.create({ configuration: { load: { sourceId: "s1" } } }).jobId;
    },
    during: async (_sim, events, clock) => {
      await clock.until(
        () => events.filter((e) => e.type === "step" && e.state === "running").length === 2,
        "both sources running",
      );
      controller.abort(new InterruptedError("SIGTERM"));
    },
  });
  assert.equal(run.result.exitCode, 143);
  const jobs = run.sim.creates();
  assert.equal(jobs.length, 2, "load:s1 attached to the other run's job; load:s2 created one");
  const otherJob = jobs.find((j) => j.jobId === other)!;
  const ours = jobs.find((j) => j.jobId !== other)!;
  assert.notEqual(otherJob.status.state, "DONE", "the other run's job is left alone");
  assert.equal(ours.status.error?.reason, "STOPPED_BY_USER", "our own job is stopped");
  assert.match(run.result.message, new RegExp(`${other} \\(load:s1, another run's\\)`));
});

Deno.test("at its --timeout a run does not stop another run's job it attached to; it exits 3", async () => {
  let other = "";
  const run = await runOnSim(long, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 10 * MINUTE },
    before: (sim) => {
      other = sim.tenant.create({ configuration: { load: { sourceId: "s1" } } }).jobId;
    },
  });
  assert.equal(run.result.exitCode, 3);
  assert.equal(run.sim.creates().length, 1);
  assert.notEqual(run.sim.creates()[0]!.status.state, "DONE", `${other} was not stopped`);
});

Deno.test("once Tamr refuses the key no new step starts", async () => {
  const scenario: Scenario = {
    ...long,
    faults: [{ kind: "unauthorized", path: "get", after: 1, times: "always" }],
  };
  const run = await runOnSim(scenario, { plan, run: { concurrency: 1 } });
  assert.equal(run.result.exitCode, 4);
  assert.equal(run.sim.creates().length, 1, "load:s2 was never created");
  assert.deepEqual(run.result.steps.map((s) => s.outcome), ["running", "not_started", "skipped"]);
});

Deno.test("--resume is offered only when there is something to continue", async () => {
  const resumeCommand = "tamr-refresh run --resume --state j.json";
  const refused = await runOnSim({ faults: [{ kind: "unauthorized", times: "always" }] }, {
    plan,
    run: { resumeCommand },
  });
  assert.equal(refused.result.exitCode, 4);
  assert.equal(refused.sim.creates().length, 0);
  const finish = refused.events.at(-1)!;
  assert.ok(finish.type === "finish" && finish.resumeCommand === undefined, "nothing to resume");
  assert.match(refused.result.message, /Check TAMR_API_KEY/);
  assert.ok(
    !refused.events.some((e) => e.type === "step" && e.state === "failed"),
    "a refused key is the run's error, not a step failure",
  );
  const lost = await runOnSim({
    ...long,
    faults: [
      { kind: "lostCreate", step: "load:s1" },
      { kind: "unauthorized", path: "list", after: 1, times: "always" },
    ],
  }, { plan: { sources: ["s1"], dataProduct: "dp" }, run: { resumeCommand } });
  const lostFinish = lost.events.at(-1)!;
  assert.ok(
    lostFinish.type === "finish" && lostFinish.resumeCommand === resumeCommand,
    "a create that may have made a job is worth resuming",
  );
});

Deno.test("a resumed job's elapsed time counts from when Tamr created it, not from the resume", async () => {
  const prior = new Map<string, { jobId: string }>();
  const run = await runOnSim({ pendingMs: 5 * SECOND, durations: { default: 30 * MINUTE } }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    before: (sim, clock) => {
      const job = sim.tenant.create({ configuration: { load: { sourceId: "s1" } } });
      prior.set("load:s1", { jobId: job.jobId });
      clock.advance(10 * MINUTE); // the run is resumed ten minutes after the job began
    },
    run: { prior },
  });
  assert.equal(run.result.exitCode, 0);
  assert.equal(run.sim.creates().length, 2, "load:s1's job was polled again, not created again");
  const s1 = run.result.steps.find((s) => s.step === "load:s1")!;
  assert.ok(s1.durationMs! >= 30 * MINUTE, `load:s1 took ${s1.durationMs} ms, from its creation`);
});
