/**
 * A resumed run's job (one the earlier run created): polled at once, so a job that ended while
 * no run watched it is seen at once, and paced from the job's own creation (its statusHistory),
 * so one still running is polled where its end is likely. On virtual time.
 */
import assert from "node:assert/strict";
import type { DurationStats } from "../lib/kit/history/duration_stats.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { PriorStep } from "../lib/kit/run/step.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { MINUTE, runOnSim, SECOND } from "./_pipeline.ts";

const PLAN = { sources: ["s1"], dataProduct: "dp" };
const scenario: Scenario = { durations: { default: MINUTE, "update:dp": 20 * MINUTE } };
const usual: DurationStats = {
  samples: 9,
  medianMs: 20 * MINUTE,
  p10Ms: 19 * MINUTE,
  p90Ms: 21 * MINUTE,
};

/** Resumes a run whose data product job was created `ageMs` before the resume. */
async function resumeWithDpAged(ageMs: number, o: { inJournal: boolean } = { inJournal: true }) {
  const prior = new Map<string, PriorStep>([["load:s1", {
    jobId: "job_s1",
    outcome: "succeeded",
  }]]);
  let startedAt = 0;
  const run = await runOnSim(scenario, {
    plan: PLAN,
    // Polls as far apart as 5 minutes: only where the end is likely do they crowd.
    run: { pollIntervalMs: 5 * MINUTE, prior, expected: new Map([["update:dp", usual]]) },
    setup: async (sim, clock) => {
      const step = buildPlan(PLAN).steps.find((s) => s.id === "update:dp")!;
      const dp = sim.tenant.create({ configuration: step.configuration });
      if (o.inJournal) prior.set("update:dp", { jobId: dp.jobId });
      await clock.sleep(ageMs);
      startedAt = clock.now();
    },
  });
  assert.equal(run.result.outcome, "succeeded");
  const done = run.events.find((e) =>
    e.type === "step" && e.step === "update:dp" &&
    e.state === "succeeded"
  );
  const dpPolls = run.sim.requests.filter((r) => r.method === "GET" && /\/jobs\/job_/.test(r.path));
  return { run, startedAt, doneAt: Date.parse(done!.time), dpPolls };
}

Deno.test("--resume: a job that ended while no run watched it is seen at the first poll, at once", async () => {
  const { startedAt, doneAt, dpPolls } = await resumeWithDpAged(25 * MINUTE);
  assert.equal(doneAt - startedAt, 0, "the data product's end is seen at once, not a wait later");
  assert.equal(dpPolls.length, 1, "one poll of the ended job");
});

Deno.test("--resume: a job still running is paced from its own creation, not from the resume", async () => {
  // Created 15 min 10 s before the resume: it ends 4 min 50 s into the resumed run.
  const { startedAt, doneAt } = await resumeWithDpAged(15 * MINUTE + 10 * SECOND);
  const endsAt = startedAt + 4 * MINUTE + 50 * SECOND;
  assert.ok(doneAt >= endsAt);
  assert.ok(
    doneAt - endsAt < 30 * SECOND,
    `seen ${(doneAt - endsAt) / SECOND} s after its end: the polls crowd where it is likely to end`,
  );
});

Deno.test("a running job found by --attach is paced from its own creation too", async () => {
  const { run, startedAt, doneAt } = await resumeWithDpAged(15 * MINUTE + 10 * SECOND, {
    inJournal: false,
  });
  assert.ok(run.events.some((e) => e.type === "step" && e.step === "update:dp" && e.attached));
  const endsAt = startedAt + 4 * MINUTE + 50 * SECOND;
  assert.ok(
    doneAt >= endsAt && doneAt - endsAt < 30 * SECOND,
    `seen ${(doneAt - endsAt) / SECOND} s late`,
  );
});
