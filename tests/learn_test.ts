/**
 * Learning durations from the tenant's earlier jobs (`learnDurations`), against the simulated
 * tenant's `pastRuns` on virtual time: the filter, the page budget, the fallback scan when filters
 * are refused, our own checks of each job, and the abort.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import type { JobClient } from "../lib/kit/api/types.ts";
import { learnDurations, learnFilter } from "../lib/kit/history/learn.ts";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { createInProcessTenant, type InProcessTenant } from "../lib/sim/in_process.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { jobPhases } from "../lib/kit/job/job_times.ts";
import { parseScenario } from "../lib/sim/scenario.ts";
import { stepIdOf } from "../lib/sim/mod.ts";
import { assertInvariants, MINUTE, runOnSim, SMALL } from "./_pipeline.ts";

const DURATIONS = {
  "load:s1": 3 * MINUTE,
  "load:s2": 5 * MINUTE,
  "load:s3": 2 * MINUTE,
  "update:dp": 20 * MINUTE,
  "index:wf": 4 * MINUTE,
  "publish:d1": 3 * MINUTE,
  "publish:d2": 2 * MINUTE,
};
const PENDING = 300;

function tenantOf(
  scenario: Scenario,
): { sim: InProcessTenant; client: JobClient; clock: VirtualClock } {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: "k", clock });
  const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: "k", fetch: sim.fetch, clock });
  return { sim, client, clock };
}

const lists = (sim: InProcessTenant) => sim.requests.filter((r) => r.path.endsWith("/jobs"));

Deno.test("learnDurations() reads each step's earlier durations, creation to DONE, oldest first", async () => {
  const { sim, client, clock } = tenantOf({ durations: DURATIONS, pastRuns: 3 });
  const learned = await clock.run(() => learnDurations(client, buildPlan(SMALL)));
  assert.deepEqual([...learned.keys()].sort(), Object.keys(DURATIONS).sort());
  for (const [step, ms] of Object.entries(DURATIONS)) {
    assert.deepEqual(learned.get(step), [ms + PENDING, ms + PENDING, ms + PENDING], step);
  }
  assert.equal(lists(sim).length, 1, "21 jobs fit in one page");
  assert.deepEqual(sim.creates(), [], "earlier runs' jobs are not the run's creates");
  await sim.close();
});

Deno.test("learnDurations() sends one filter: the plan's configurations OR-ed, DONE, no error", async () => {
  const { sim, client, clock } = tenantOf({ durations: DURATIONS, pastRuns: 1 });
  const plan = buildPlan({ sources: ["s1"], dataProduct: "dp", destinations: ["d1"] });
  await clock.run(() => learnDurations(client, plan));
  const filter = new URLSearchParams(lists(sim)[0]!.query).get("filter");
  assert.equal(
    filter,
    '(configuration.load.source_id = "s1" OR configuration.update.data_product_id = "dp" OR ' +
      '(configuration.publish.destination_id = "d1" AND configuration.publish.data_product_id = "dp")) ' +
      "AND status.state = DONE AND (NOT status:error)",
  );
  assert.equal(filter, learnFilter(plan));
  await sim.close();
});

Deno.test("learnDurations() with jitter: durations vary within it, seeded, and steps not in the plan are left out", async () => {
  const scenario: Scenario = { durations: DURATIONS, pastRuns: 5, jitter: 0.1, seed: 7 };
  const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
  const { sim, client, clock } = tenantOf(scenario);
  const learned = await clock.run(() => learnDurations(client, plan));
  assert.deepEqual([...learned.keys()].sort(), ["load:s1", "load:s2", "update:dp"]);
  for (const [step, ds] of learned) {
    const base = DURATIONS[step as keyof typeof DURATIONS];
    assert.equal(ds.length, 5);
    for (const d of ds) assert.ok(d >= base * 0.9 && d <= base * 1.1 + PENDING, `${step} ${d}`);
    assert.ok(new Set(ds).size > 1, `${step} varies: ${ds}`);
  }
  const again = tenantOf(scenario);
  assert.deepEqual(await again.clock.run(() => learnDurations(again.client, plan)), learned);
  await sim.close();
  await again.sim.close();
});

Deno.test("learnDurations() reads at most maxPages pages, keeping the newest jobs", async () => {
  const { sim, client, clock } = tenantOf({ durations: DURATIONS, pastRuns: 10, jitter: 0.1 });
  const learned = await clock.run(() =>
    learnDurations(client, buildPlan(SMALL), { maxPages: 2, pageSize: 7 })
  );
  assert.equal(lists(sim).length, 2);
  const total = [...learned.values()].reduce((n, ds) => n + ds.length, 0);
  assert.equal(total, 14);
  // The newest two runs: each of their seven steps once, twice.
  for (const step of Object.keys(DURATIONS)) assert.equal(learned.get(step)?.length, 2, step);
  await sim.close();
});

Deno.test("learnDurations() asks for no further page once every step has enough durations", async () => {
  // Two steps, two jobs a run: five jobs a page. Eight durations each (the default) are the
  // newest eight runs: 16 jobs, so the fourth page is the last asked for, though ten are allowed.
  const plan = buildPlan({ sources: ["s1"], dataProduct: "dp" });
  const scenario: Scenario = { durations: DURATIONS, pastRuns: 20, jitter: 0.1 };
  const { sim, client, clock } = tenantOf(scenario);
  const learned = await clock.run(() =>
    learnDurations(client, plan, { maxPages: 10, pageSize: 5 })
  );
  assert.equal(lists(sim).length, 4);
  assert.deepEqual([learned.get("load:s1")?.length, learned.get("update:dp")?.length], [8, 8]);
  // Three are enough: two pages.
  const few = tenantOf(scenario);
  const three = await few.clock.run(() =>
    learnDurations(few.client, plan, { maxPages: 10, pageSize: 5, enoughSamples: 3 })
  );
  assert.equal(lists(few.sim).length, 2);
  assert.ok([...three.values()].every((ds) => ds.length >= 3));
  // A step the tenant never ran: every page of the budget is read for it.
  const unknown = tenantOf(scenario);
  const withNew = buildPlan({ sources: ["s1", "s_new"], dataProduct: "dp" });
  await unknown.clock.run(() =>
    learnDurations(unknown.client, withNew, { maxPages: 6, pageSize: 5 })
  );
  assert.equal(lists(unknown.sim).length, 6);
  await assert.rejects(
    () => learnDurations(client, plan, { enoughSamples: 0 }),
    /'enoughSamples' must be a whole number of at least 1, got 0/,
  );
  for (const t of [sim, few.sim, unknown.sim]) await t.close();
});

Deno.test("learnDurations() scans the newest jobs within the same budget when the tenant refuses the filter", async () => {
  const { sim, client, clock } = tenantOf({
    durations: DURATIONS,
    pastRuns: 10,
    refuseFilters: true,
  });
  const warnings: string[] = [];
  const learned = await clock.run(() =>
    learnDurations(client, buildPlan({ sources: ["s1"], dataProduct: "dp" }), {
      onWarning: (m) => warnings.push(m),
      enoughSamples: 20, // more than there are: the budget ends the scan
    })
  );
  const statuses = lists(sim).map((r) => r.status);
  assert.deepEqual(statuses, [400, 200, 200, 200], "the refused filter, then three pages");
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /refused the jobs list's filter \(400: .*\); learning durations from its 90 most recent jobs/,
  );
  // 90 jobs are the newest 12.86 runs' worth of 7 steps: 10 runs, all of them here.
  assert.equal(learned.get("load:s1")?.length, 10);
  assert.equal(learned.get("update:dp")?.length, 10);
  await sim.close();
});

Deno.test("learnDurations() leaves out failed, stopped and unfinished jobs, and those created after `before`", async () => {
  const plan: PlanInput = { sources: ["s1", "s2", "s3"], dataProduct: "dp" };
  // With filters the tenant leaves some out; without, our own checks must.
  for (const refuseFilters of [false, true]) {
    const { sim, client, clock } = tenantOf({
      durations: DURATIONS,
      pastRuns: 2,
      refuseFilters,
      failures: { "load:s2": { reason: "PLANNING_FAILED", message: "No." } },
    });
    const learned = await clock.run(async () => {
      const t0 = clock.now();
      await client.createJob({ load: { sourceId: "s2" } }); // fails
      const stopped = await client.createJob({ load: { sourceId: "s3" } });
      await client.stopJob(stopped.jobId);
      await client.createJob({ update: { dataProductId: "dp" } }); // still running at the end
      await clock.sleep(10 * MINUTE);
      await client.createJob({ load: { sourceId: "s1" } }); // after `before`
      await clock.sleep(10 * MINUTE);
      return await learnDurations(client, buildPlan(plan), { before: t0 + MINUTE });
    });
    const counts = Object.fromEntries([...learned].map(([step, ds]) => [step, ds.length]));
    // Only the two past runs' jobs of each step.
    assert.deepEqual(counts, { "load:s1": 2, "load:s2": 2, "load:s3": 2, "update:dp": 2 });
    await sim.close();
  }
});

Deno.test("learnDurations() reads the times whatever the order of statusHistory, and echoed fields do not hide a job", async () => {
  const { sim, client, clock } = tenantOf({
    durations: DURATIONS,
    pastRuns: 1,
    statusHistoryOrder: "newestFirst",
    echoServerFields: true,
    listOrder: "started",
  });
  const learned = await clock.run(() => learnDurations(client, buildPlan(SMALL)));
  for (const [step, ms] of Object.entries(DURATIONS)) {
    assert.deepEqual(learned.get(step), [ms + PENDING], step);
  }
  await sim.close();
});

Deno.test("learnDurations() honours its signal", async () => {
  const { sim, client, clock } = tenantOf({ durations: DURATIONS, pastRuns: 1 });
  const ac = new AbortController();
  ac.abort(new Error("enough"));
  await assert.rejects(
    () => clock.run(() => learnDurations(client, buildPlan(SMALL), { signal: ac.signal })),
    /enough/,
  );
  assert.equal(sim.requests.length, 0);
  const hang = tenantOf({
    durations: DURATIONS,
    pastRuns: 1,
    faults: [{ kind: "hang", path: "list" }],
  });
  const late = new AbortController();
  await assert.rejects(
    () =>
      hang.clock.run(async () => {
        const learning = learnDurations(hang.client, buildPlan(SMALL), { signal: late.signal });
        await hang.clock.sleep(1_000);
        late.abort(new Error("stop now"));
        return await learning;
      }),
    /stop now/,
  );
  await sim.close();
  await hang.sim.close();
});

Deno.test("learnFilter() for a plan of a thousand sources narrows by kind instead", () => {
  const sources = Array.from({ length: 1000 }, (_, i) => `src_${i}`);
  const text = learnFilter(buildPlan({ sources, dataProduct: "dp", destinations: ["d1"] }));
  assert.equal(
    text,
    "(configuration:load OR configuration:update OR configuration:publish) AND status.state = DONE AND (NOT status:error)",
  );
});

Deno.test("a scenario's pastRuns is read from JSON, and leaves a run's own jobs and durations as they were", async () => {
  assert.equal(parseScenario({ pastRuns: 4 }).pastRuns, 4);
  assert.throws(() => parseScenario({ pastRuns: -1 }), /field "pastRuns" is wrong/);
  assert.throws(() => parseScenario({ pastRuns: 1.5 }), /field "pastRuns" is wrong/);
  const scenario: Scenario = { durations: DURATIONS, jitter: 0.1, seed: 3 };
  const without = await runOnSim(scenario);
  const withPast = await runOnSim({ ...scenario, pastRuns: 5 });
  assertInvariants(withPast);
  const took = (run: typeof without) =>
    run.sim.creates().map((j) => [stepIdOf(j.configuration), jobPhases(j)]);
  assert.equal(withPast.sim.creates().length, buildPlan(SMALL).steps.length);
  const phases = (run: typeof without) =>
    took(run).map(([step, p]) => {
      const { createdAt, runningAt, doneAt } = p as ReturnType<typeof jobPhases>;
      return [step, runningAt! - createdAt!, doneAt! - runningAt!];
    });
  assert.deepEqual(phases(withPast), phases(without));
});
