/**
 * Finding our own job whatever the clocks and the list say, in-process on virtual time: the
 * tenant's clock minutes ahead of or behind ours, configurations echoed with fields the server
 * filled in, an unfinished job below 150 newer ones, a tenant that refuses filters, a list ordered
 * by start time, a statusHistory newest first. Each run creates each configuration exactly once.
 */
import assert from "node:assert/strict";
import type { Job } from "../lib/kit/api/types.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { stepIdOf } from "../lib/sim/mod.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import type { SimTenant } from "../lib/sim/server.ts";
import { killAndResume } from "./_kill_resume.ts";
import {
  assertInvariants,
  MINUTE,
  type PipelineRun,
  runOnSim,
  SECOND,
  SMALL,
} from "./_pipeline.ts";

const HOUR = 60 * MINUTE;

/** The jobs the run made (created after `before`), by step id. */
function madeBy(sim: SimTenant, before: ReadonlySet<string> = new Set()): Map<string, Job[]> {
  const out = new Map<string, Job[]>();
  for (const job of sim.creates()) {
    if (before.has(job.jobId)) continue;
    const step = stepIdOf(job.configuration);
    out.set(step, [...(out.get(step) ?? []), job]);
  }
  return out;
}

const warnings = (events: RunEvent[]) =>
  events.flatMap((e) => e.type === "warning" ? [e.message] : []);

/** The run succeeded and made exactly one job for each step but those in `none`. */
function assertOneJobEach(
  run: PipelineRun,
  steps: readonly string[],
  options: { before?: ReadonlySet<string>; none?: readonly string[] } = {},
): void {
  assert.equal(run.result.exitCode, 0, run.result.message);
  const made = madeBy(run.sim, options.before);
  for (const step of steps) {
    const n = made.get(step)?.length ?? 0;
    const want = options.none?.includes(step) ? 0 : 1;
    assert.equal(n, want, `${step} was created ${n} times: ${warnings(run.events).join(" | ")}`);
  }
  // A job left by the setup may share its configuration with the run's.
  assertInvariants(run, { maxCreatesPerStep: options.before?.size ? 2 : 1 });
}

const SMALL_STEPS = buildPlan(SMALL).steps.map((s) => s.id);

// ---- a lost create, the tenant's clock 10 minutes off ours --------------------------------

for (const offset of [10 * MINUTE, -10 * MINUTE]) {
  const where = offset > 0 ? "ahead" : "behind";
  Deno.test(`a lost create with the tenant's clock 10 minutes ${where} attaches to the job it made`, async () => {
    for (const hang of [false, true]) {
      const run = await runOnSim({
        clockOffsetMs: offset,
        faults: [{ kind: "lostCreate", step: "load:s1", hang }],
      });
      assertOneJobEach(run, SMALL_STEPS);
      assert.ok(
        warnings(run.events).some((w) => /creating load:s1 was lost; found job/.test(w)),
        warnings(run.events).join("\n"),
      );
    }
  });
}

Deno.test("a lost create with the tenant 10 minutes behind, no Date header: learnt from the run's other creates", async () => {
  const run = await runOnSim({
    clockOffsetMs: -10 * MINUTE,
    faults: [{ kind: "lostCreate", step: "load:s3", hang: true }],
  }, { watchDate: false });
  assertOneJobEach(run, SMALL_STEPS);
});

Deno.test("with the tenant 10 minutes ahead, a job of the configuration that failed 5 minutes before a lost create is not taken for it", async () => {
  // The create is dropped before the tenant did anything; an earlier job of load:s1 failed
  // minutes before by our clock, which the tenant's clock puts after our request.
  const before = new Set<string>();
  const run = await runOnSim({
    clockOffsetMs: 10 * MINUTE,
    durations: { default: 2 * MINUTE, "load:s1": 30 * SECOND },
    failures: { "load:s1": { reason: "PLANNING_FAILED", message: "No plan.", times: 1 } },
    faults: [{ kind: "drop", path: "create", step: "load:s1" }],
  }, {
    setup: async (sim, clock) => {
      before.add(sim.tenant.create({ configuration: { load: { sourceId: "s1" } } }).jobId);
      await clock.sleep(6 * MINUTE);
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before });
  assert.ok(
    warnings(run.events).some((w) => /creating load:s1 was lost and no such job exists/.test(w)),
  );
});

// ---- echoed configurations ----------------------------------------------------------------

Deno.test("a configuration echoed with fields the server filled in does not cause a duplicate after a lost create", async () => {
  const run = await runOnSim({
    echoServerFields: true,
    faults: [
      { kind: "lostCreate", step: "load:s2" },
      { kind: "lostCreate", step: "publish:d1", status: 502 },
    ],
  });
  assertOneJobEach(run, SMALL_STEPS);
});

Deno.test("a job left running, echoed with fields the server filled in, is attached to", async () => {
  const before = new Set<string>();
  const run = await runOnSim({ echoServerFields: true, durations: { "update:dp": 30 * MINUTE } }, {
    setup: (sim) => {
      before.add(sim.tenant.create({ configuration: { update: { dataProductId: "dp" } } }).jobId);
      return Promise.resolve();
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before, none: ["update:dp"] });
  assert.ok(warnings(run.events).some((w) => /Found job .* already running update:dp/.test(w)));
});

// ---- the whole list, in whatever order -------------------------------------------------

Deno.test("an unfinished job below 150 newer ones is attached to", async () => {
  const before = new Set<string>();
  const run = await runOnSim({ jobLimit: 500, durations: { default: 2 * MINUTE } }, {
    setup: async (sim, clock) => {
      const leftover = sim.tenant.create({ configuration: { load: { sourceId: "s2" } } });
      before.add(leftover.jobId);
      for (let i = 0; i < 150; i++) {
        before.add(sim.tenant.create({ configuration: { load: { sourceId: `other${i}` } } }).jobId);
        await clock.sleep(100);
      }
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before, none: ["load:s2"] });
});

Deno.test("a tenant that refuses filters is scanned instead, and the run says so once", async () => {
  const before = new Set<string>();
  const run = await runOnSim({
    refuseFilters: true,
    faults: [
      { kind: "lostCreate", step: "load:s1" },
      { kind: "lostCreate", step: "update:dp", hang: true },
    ],
  }, {
    setup: (sim) => {
      before.add(sim.tenant.create({ configuration: { load: { sourceId: "s3" } } }).jobId);
      return Promise.resolve();
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before, none: ["load:s3"] });
  const refused = warnings(run.events).filter((w) => /refused the jobs list's filter/.test(w));
  assert.equal(refused.length, 1, warnings(run.events).join("\n"));
  assert.match(refused[0]!, /filter is not supported.*300 most recent jobs/);
  // After the first refusal, no filter is sent again.
  const filtered = run.sim.requests.filter((r) => r.query.includes("filter="));
  assert.equal(filtered.length, 1);
});

Deno.test("with the list ordered by start time, a lost create's PENDING job below older started jobs is found", async () => {
  // Five other jobs were created 20 minutes before the run and start 10 s into it; the run's own
  // jobs wait 20 minutes to start, so theirs sits below those older jobs in the list.
  const before = new Set<string>();
  const run = await runOnSim({
    listOrder: "started",
    jobLimit: 100,
    pendingMs: 20 * MINUTE,
    durations: { default: 10 * MINUTE },
    faults: [{ kind: "lostCreate", step: "load:s1", hang: true }],
  }, {
    setup: async (sim, clock) => {
      for (let i = 0; i < 5; i++) {
        before.add(sim.tenant.create({ configuration: { load: { sourceId: `old${i}` } } }).jobId);
      }
      await clock.sleep(20 * MINUTE - 10 * SECOND);
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before });
});

Deno.test("with statusHistory newest first, a job created before --resume's run began is not taken for its own", async () => {
  // load:s1's job was created 10 minutes before the run in the journal began and ended a minute
  // after: its first status says "created", its last (listed first) says "ended".
  const before = new Set<string>();
  let runStartedAt = 0;
  const run = await runOnSim({
    statusHistoryOrder: "newestFirst",
    pendingMs: 0,
    durations: { default: 2 * MINUTE, "load:s1": 11 * MINUTE },
  }, {
    setup: async (sim, clock) => {
      before.add(sim.tenant.create({ configuration: { load: { sourceId: "s1" } } }).jobId);
      await clock.sleep(10 * MINUTE);
      runStartedAt = clock.now();
      await clock.sleep(5 * MINUTE);
    },
    run: {
      attach: false,
      get resumedSince() {
        return runStartedAt;
      },
    },
  });
  assertOneJobEach(run, SMALL_STEPS, { before });
});

// ---- kill -9 then --resume, the tenant's clock 10 minutes off ours -----------------------

const KILL_PLAN = buildPlan({
  sources: ["s1", "s2", "s3"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1"],
});

const killCases: {
  name: string;
  scenario: Scenario;
  resume: { afterMs: number; attach: boolean };
}[] = [];
for (const offset of [10 * MINUTE, -10 * MINUTE]) {
  const where = offset > 0 ? "ahead" : "behind";
  const durations = { default: 3 * MINUTE };
  killCases.push({
    name: `the tenant 10 minutes ${where}, resumed 5 s later`,
    scenario: { clockOffsetMs: offset, pendingMs: 20 * SECOND, durations },
    resume: { afterMs: 5 * SECOND, attach: true },
  }, {
    name:
      `the tenant 10 minutes ${where}, a lost create of load:s2, resumed an hour later with --no-attach`,
    scenario: {
      clockOffsetMs: offset,
      pendingMs: 20 * SECOND,
      durations,
      faults: [{ kind: "lostCreate", step: "load:s2", after: 1 }],
    },
    resume: { afterMs: HOUR, attach: false },
  });
}

for (const { name, scenario, resume } of killCases) {
  Deno.test(`kill -9 after any request, then --resume (${name}): each job created once`, async () => {
    let killAt = 1;
    for (; killAt < 200; killAt++) {
      const { finished, result, events, sim, earlier } = await killAndResume(
        { jobLimit: 100, ...scenario },
        killAt,
        resume,
        { plan: KILL_PLAN, earlierJobs: true, watchDate: true },
      );
      if (finished) break; // the run ended before request `killAt`: every moment was tried
      const where = `cut off after request ${killAt}`;
      assert.equal(result.exitCode, 0, `${where}: ${result.message}`);
      const made = madeBy(sim, earlier);
      for (const step of KILL_PLAN.steps) {
        const jobs = made.get(step.id) ?? [];
        assert.equal(
          jobs.length,
          1,
          `${where}: ${step.id} was created ${jobs.length} times; ${warnings(events).join(" | ")}`,
        );
        assert.equal(jobs[0]!.status.state, "DONE");
        assert.equal(jobs[0]!.status.error, undefined);
      }
      const summary = new Map(result.steps.map((s) => [s.step, s.jobId]));
      for (const step of KILL_PLAN.steps) {
        assert.equal(summary.get(step.id), made.get(step.id)![0]!.jobId, `${where}: ${step.id}`);
      }
      assert.deepEqual(sim.errors, []);
    }
    assert.ok(killAt > 15, `the run was cut off at ${killAt - 1} moments`);
  });
}
