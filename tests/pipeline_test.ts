import assert from "node:assert/strict";
import { InterruptedError } from "../lib/kit/errors.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { assertInvariants, orderOf, runOnSim } from "./_pipeline.ts";
import { waitFor } from "./_cli.ts";

const fast: Scenario = { pendingMs: 30, durations: { default: 250 } };

Deno.test("runPipeline() runs sources first, then the data product, then index and publishes", async () => {
  const run = await runOnSim(fast);
  assert.equal(run.result.outcome, "succeeded");
  assert.equal(run.result.exitCode, 0);
  assert.deepEqual(new Set(orderOf(run.events, "succeeded")).size, 7);
  for (const s of ["load:s1", "load:s2", "load:s3"]) {
    const sourceDone = run.events.findIndex((e) =>
      e.type === "step" && e.step === s && e.state === "succeeded"
    );
    const updateCreated = run.events.findIndex((e) =>
      e.type === "step" && e.step === "update:dp" && e.state === "creating"
    );
    assert.ok(sourceDone < updateCreated, `${s} finished before the data product started`);
  }
  const updateDone = run.events.findIndex((e) =>
    e.type === "step" && e.step === "update:dp" && e.state === "succeeded"
  );
  for (const s of ["index:wf", "publish:d1", "publish:d2"]) {
    const started = run.events.findIndex((e) =>
      e.type === "step" && e.step === s && e.state === "creating"
    );
    assert.ok(updateDone < started, `${s} started after the data product succeeded`);
  }
  assert.equal(run.sim.creates().length, 7);
  assertInvariants(run);
});

Deno.test("runPipeline() keeps at most --concurrency source jobs at once", async () => {
  const run = await runOnSim(fast, {
    plan: { sources: ["a", "b", "c", "d", "e", "f", "g"], dataProduct: "dp" },
    run: { concurrency: 2 },
  });
  assert.equal(run.result.outcome, "succeeded");
  let inFlight = 0;
  let most = 0;
  for (const e of run.events) {
    if (e.type !== "step" || e.kind !== "load") continue;
    if (e.state === "creating") most = Math.max(most, ++inFlight);
    if (e.state === "succeeded") inFlight--;
  }
  assert.equal(most, 2);
  assertInvariants(run);
});

Deno.test("a failed source stops the data product; the other sources finish", async () => {
  const run = await runOnSim({
    ...fast,
    durations: { default: 250, "load:s3": 600 },
    failures: { "load:s1": { reason: "PLANNING_FAILED", message: "No such file." } },
  });
  assert.equal(run.result.outcome, "failed");
  assert.equal(run.result.exitCode, 1);
  const byStep = Object.fromEntries(run.result.steps.map((s) => [s.step, s]));
  assert.equal(byStep["load:s1"]!.outcome, "failed");
  assert.deepEqual(byStep["load:s1"]!.error, {
    reason: "PLANNING_FAILED",
    message: "No such file.",
  });
  assert.equal(byStep["load:s3"]!.outcome, "succeeded", "a running source is let finish");
  for (const s of ["update:dp", "index:wf", "publish:d1", "publish:d2"]) {
    assert.equal(byStep[s]!.outcome, "skipped");
  }
  assert.equal(run.sim.creates().length, 3, "nothing after the sources was created");
  assertInvariants(run);
});

Deno.test("a job stopped by someone else ends the run with exit 1 and outcome stopped", async () => {
  const run = await runOnSim({ pendingMs: 30, durations: { default: 2000 } }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    during: async (sim) => {
      await waitFor(() => sim.creates().length === 1, 5000, "the job");
      sim.tenant.externalStop(sim.creates()[0]!.jobId);
    },
  });
  assert.equal(run.result.exitCode, 1);
  assert.equal(run.result.steps[0]!.outcome, "stopped");
  assert.equal(run.result.steps[0]!.error?.reason, "STOPPED_BY_USER");
  assertInvariants(run);
});

Deno.test("the tenant's 5-job limit makes the runner wait for a slot, not fail", async () => {
  const run = await runOnSim({ pendingMs: 30, durations: { default: 400 }, jobLimit: 5 }, {
    plan: { sources: ["a", "b", "c", "d", "e", "f", "g", "h"], dataProduct: "dp" },
    run: { concurrency: 8 },
  });
  assert.equal(run.result.outcome, "succeeded");
  assert.ok(
    run.sim.requests.some((r) => r.method === "POST" && r.status === 429),
    "the tenant answered 429 at least once",
  );
  assert.ok(
    run.events.some((e) => e.type === "warning" && /limit of running jobs/.test(e.message)),
    "the wait is explained",
  );
  assert.equal(run.sim.creates().length, 9);
  assertInvariants(run);
});

Deno.test("an abort (SIGINT) stops every job in flight and waits until they are DONE", async () => {
  const controller = new AbortController();
  const run = await runOnSim({ pendingMs: 30, durations: { default: 60_000 } }, {
    run: { signal: controller.signal },
    during: async (_sim, events) => {
      await waitFor(
        () => events.filter((e) => e.type === "step" && e.state === "running").length >= 3,
        5000,
        "three running sources",
      );
      controller.abort(new InterruptedError("SIGINT"));
    },
  });
  assert.equal(run.result.outcome, "interrupted");
  assert.equal(run.result.exitCode, 130);
  assert.equal(run.sim.creates().length, 3);
  for (const j of run.sim.creates()) assert.equal(j.status.error?.reason, "STOPPED_BY_USER");
  assert.deepEqual(
    run.result.steps.filter((s) => s.kind === "load").map((s) => s.outcome),
    ["stopped", "stopped", "stopped"],
  );
  assert.equal(run.result.steps.find((s) => s.step === "update:dp")!.outcome, "not_started");
  assertInvariants(run);
});

Deno.test("SIGTERM gives exit 143 and --leave-running leaves the jobs alone", async () => {
  const controller = new AbortController();
  const run = await runOnSim({ pendingMs: 30, durations: { default: 60_000 } }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { signal: controller.signal, leaveRunning: true },
    during: async (_sim, events) => {
      await waitFor(
        () => events.some((e) => e.type === "step" && e.state === "running"),
        5000,
        "run",
      );
      controller.abort(new InterruptedError("SIGTERM"));
    },
  });
  assert.equal(run.result.exitCode, 143);
  assert.equal(run.result.steps[0]!.outcome, "running");
  assert.notEqual(run.sim.creates()[0]!.status.state, "DONE");
  assertInvariants(run, { leaveRunning: true });
});

Deno.test("a job past its timeout is stopped, confirmed DONE, and the run exits 3", async () => {
  const run = await runOnSim({ pendingMs: 30, durations: { default: 60_000 } }, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 500 },
  });
  assert.equal(run.result.outcome, "timed_out");
  assert.equal(run.result.exitCode, 3);
  assert.equal(run.result.steps[0]!.outcome, "timed_out");
  assert.equal(run.sim.creates()[0]!.status.error?.reason, "STOPPED_BY_USER");
  assertInvariants(run);
});

// Every injected fault is survived, with no job created twice.
const faultCases: { name: string; faults: NonNullable<Scenario["faults"]>; exit: number }[] = [
  {
    name: "503 with Retry-After on a poll",
    faults: [{ kind: "status", status: 503, retryAfter: "0", path: "get", times: 3 }],
    exit: 0,
  },
  {
    name: "500 on a poll",
    faults: [{ kind: "status", status: 500, path: "get", times: 2 }],
    exit: 0,
  },
  { name: "504 on a create", faults: [{ kind: "status", status: 504, path: "create" }], exit: 0 },
  {
    name: "429 on a create",
    faults: [{ kind: "status", status: 429, path: "create", times: 3 }],
    exit: 0,
  },
  {
    name: "an HTML 502 page on a poll",
    faults: [{ kind: "html", path: "get", times: 2 }],
    exit: 0,
  },
  { name: "an HTML 502 page on a create", faults: [{ kind: "html", path: "create" }], exit: 0 },
  { name: "a hung poll", faults: [{ kind: "hang", path: "get" }], exit: 0 },
  { name: "a hung create", faults: [{ kind: "hang", path: "create" }], exit: 0 },
  {
    name: "a dropped connection on a poll",
    faults: [{ kind: "drop", path: "get", times: 2 }],
    exit: 0,
  },
  { name: "a dropped connection on a create", faults: [{ kind: "drop", path: "create" }], exit: 0 },
  {
    name: "a malformed body on a poll",
    faults: [{ kind: "malformed", path: "get", times: 2 }],
    exit: 0,
  },
  {
    name: "a malformed body on a create",
    faults: [{ kind: "malformed", path: "create" }],
    exit: 0,
  },
  {
    name: "an unknown state",
    faults: [{ kind: "unknownState", path: "get", times: 4 }],
    exit: 0,
  },
  { name: "a create whose answer was dropped", faults: [{ kind: "lostCreate" }], exit: 0 },
  {
    name: "a create answered by a 502 page after it was done",
    faults: [{ kind: "lostCreate", status: 502, step: "update:dp" }],
    exit: 0,
  },
  {
    name: "a create that hangs after it was done",
    faults: [{ kind: "lostCreate", hang: true }],
    exit: 0,
  },
  {
    name: "a 500 on the list that looks for an existing job",
    faults: [{ kind: "status", status: 500, path: "list" }],
    exit: 0,
  },
  {
    name: "a job that vanished (404)",
    faults: [{ kind: "vanish", path: "get", step: "load:s2" }],
    exit: 4,
  },
  {
    name: "a 401 in the middle of a run",
    faults: [{ kind: "unauthorized", path: "get", after: 4, times: "always" }],
    exit: 4,
  },
];

for (const c of faultCases) {
  Deno.test(`fault survived without a duplicate job: ${c.name}`, async () => {
    const run = await runOnSim({ ...fast, faults: c.faults });
    assert.equal(run.result.exitCode, c.exit, run.result.message);
    assert.ok(
      run.sim.requests.some((r) => r.fault !== undefined),
      "the fault was actually injected",
    );
    if (c.exit === 0) assert.equal(run.sim.creates().length, 7);
    // A run that ends on an API error may leave jobs it could not see; all others finish.
    assertInvariants(run, { leaveRunning: c.exit === 4 });
  });
}

Deno.test("an unknown state is warned about once per job and polled at the normal pace", async () => {
  const run = await runOnSim(
    { ...fast, faults: [{ kind: "unknownState", path: "get", times: 5 }] },
    {
      plan: { sources: ["s1"], dataProduct: "dp" },
    },
  );
  assert.equal(run.result.exitCode, 0);
  const warnings = run.events.filter((e) =>
    e.type === "warning" && /STATE_UNSPECIFIED/.test(e.message)
  );
  assert.equal(warnings.length, 1);
  const gets = run.sim.requests.filter((r) => r.method === "GET" && r.path.includes("/jobs/"));
  const gaps = gets.slice(1).map((r, i) => r.time - gets[i]!.time);
  assert.ok(gaps.every((g) => g >= 100), `no busy loop: gaps ${gaps.join(",")}`);
});
