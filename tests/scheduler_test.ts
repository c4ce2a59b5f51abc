import assert from "node:assert/strict";
import { nextMoves } from "../lib/kit/run/scheduler.ts";
import { buildPlan, type PlanStep } from "../lib/kit/run/plan.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { step, t } from "./_events.ts";

function startOf(steps: PlanStep[]): RunEvent {
  return {
    type: "start",
    time: t(0),
    version: 1,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp",
    concurrency: 2,
    steps: steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
    })),
  };
}

const ids = (xs: PlanStep[]) => xs.map((s) => s.id);

Deno.test("nextMoves() starts sources up to their kind's limit and nothing that waits on them", () => {
  const plan = buildPlan({ sources: ["s1", "s2", "s3"], dataProduct: "dp", workflow: "wf" });
  const state = foldEvents([startOf(plan.steps)]);
  const moves = nextMoves(state, plan.steps, new Set(), { load: 2 });
  assert.deepEqual(ids(moves.start), ["load:s1", "load:s2"]);
  assert.deepEqual(moves.skip, []);
});

Deno.test("nextMoves() counts running steps against the limit and starts the next when one ends", () => {
  const plan = buildPlan({ sources: ["s1", "s2", "s3"], dataProduct: "dp" });
  const started = new Set(["load:s1", "load:s2"]);
  const running = foldEvents([
    startOf(plan.steps),
    step(1, "load:s1", "running", { jobId: "j1" }),
    step(1, "load:s2", "running", { jobId: "j2" }),
  ]);
  assert.deepEqual(ids(nextMoves(running, plan.steps, started, { load: 2 }).start), []);
  const oneDone = foldEvents([
    startOf(plan.steps),
    step(1, "load:s1", "succeeded", { jobId: "j1" }),
    step(1, "load:s2", "running", { jobId: "j2" }),
  ]);
  assert.deepEqual(ids(nextMoves(oneDone, plan.steps, started, { load: 2 }).start), ["load:s3"]);
});

Deno.test("nextMoves() starts a step once every step it depends on succeeded", () => {
  const plan = buildPlan({
    sources: ["s1"],
    dataProduct: "dp",
    workflow: "wf",
    destinations: ["d1"],
  });
  const state = foldEvents([
    startOf(plan.steps),
    step(1, "load:s1", "succeeded"),
    step(2, "update:dp", "succeeded"),
  ]);
  const moves = nextMoves(state, plan.steps, new Set(["load:s1", "update:dp"]), { load: 1 });
  assert.deepEqual(ids(moves.start), ["index:wf", "publish:d1"], "no limit on other kinds");
});

Deno.test("nextMoves() skips every step after one that failed, in one call, whatever the order", () => {
  const plan = buildPlan({
    sources: ["s1", "s2"],
    dataProduct: "dp",
    workflow: "wf",
    destinations: ["d1"],
  });
  const state = foldEvents([
    startOf(plan.steps),
    step(1, "load:s1", "failed", { error: { reason: "X", message: "y" } }),
  ]);
  const reversed = [...plan.steps].reverse();
  const moves = nextMoves(state, reversed, new Set(["load:s1"]), { load: 2 });
  assert.deepEqual(ids(moves.skip).sort(), ["index:wf", "publish:d1", "update:dp"]);
  assert.deepEqual(ids(moves.start), ["load:s2"], "a source without the failed one still runs");
});

Deno.test("nextMoves() walks any graph the plan declares: two data products sharing a source", () => {
  const cfg = (sourceId: string) => ({ load: { sourceId } });
  const steps: PlanStep[] = [
    { id: "load:a", kind: "load", target: "a", configuration: cfg("a"), dependsOn: [] },
    { id: "load:b", kind: "load", target: "b", configuration: cfg("b"), dependsOn: [] },
    {
      id: "update:dp1",
      kind: "update",
      target: "dp1",
      configuration: { update: { dataProductId: "dp1" } },
      dependsOn: ["load:a"],
    },
    {
      id: "update:dp2",
      kind: "update",
      target: "dp2",
      configuration: { update: { dataProductId: "dp2" } },
      dependsOn: ["load:a", "load:b"],
    },
  ];
  const state = foldEvents([
    startOf(steps),
    step(1, "load:a", "succeeded"),
    step(1, "load:b", "running"),
  ]);
  const moves = nextMoves(state, steps, new Set(["load:a", "load:b"]), { load: 4, update: 1 });
  assert.deepEqual(ids(moves.start), ["update:dp1"]);
});

Deno.test("while the run is held no new step starts; released, the run goes on", async () => {
  const { createHold } = await import("../lib/kit/run/hold.ts");
  const { runOnSim, MINUTE } = await import("./_pipeline.ts");
  const hold = createHold();
  let createsWhileHeld = -1;
  const run = await runOnSim({ pendingMs: 1_000, durations: { default: 2 * MINUTE } }, {
    plan: { sources: ["s1", "s2", "s3"], dataProduct: "dp" },
    run: { concurrency: 1, hold },
    during: async (sim, _events, clock) => {
      await clock.until(() => sim.creates().length === 1, "the first source's job");
      hold.hold();
      await clock.until(() => sim.creates()[0]!.status.state === "DONE", "it to end");
      await clock.sleep(10 * MINUTE);
      createsWhileHeld = sim.creates().length;
      hold.release();
    },
  });
  assert.equal(createsWhileHeld, 1, "nothing new started while held");
  assert.equal(run.result.exitCode, 0);
  assert.equal(run.sim.creates().length, 4);
});
