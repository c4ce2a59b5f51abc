/**
 * The pipeline against the simulated tenant: in-process on virtual time with Tamr-like durations
 * (minutes) and the CLI's defaults (30 s polls, 30 s request timeout), and a few runs over TCP.
 */
import assert from "node:assert/strict";
import { InterruptedError } from "../lib/kit/errors.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import type { RunOptions } from "../lib/kit/run/run_options.ts";
import { VIRTUAL_EPOCH } from "../lib/sim/virtual_clock.ts";
import { assertInvariants, MINUTE, orderOf, runOnSim, runOverHttp, SECOND } from "./_pipeline.ts";

const fast: Scenario = { pendingMs: 20 * SECOND, durations: { default: 3 * MINUTE } };
/** Jobs that run an hour: still running whenever the test looks. */
const hour: Scenario = {
  pendingMs: 20 * SECOND,
  stoppingMs: 30 * SECOND,
  durations: { default: 60 * MINUTE },
};

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

Deno.test("a 12-step pipeline of half an hour runs on virtual time, noticing each job's end within the poll interval", async () => {
  const run = await runOnSim({ pendingMs: 20 * SECOND, durations: { default: 5 * MINUTE } }, {
    plan: {
      sources: ["a", "b", "c", "d", "e", "f", "g", "h"],
      dataProduct: "dp",
      workflow: "wf",
      destinations: ["d1", "d2"],
    },
  });
  assert.equal(run.result.outcome, "succeeded", run.result.message);
  assert.equal(run.result.steps.length, 12);
  // Two waves of sources, the data product, then the rest: 4 x (20 s + 5 min) of jobs, at least.
  const elapsed = run.clock.now() - VIRTUAL_EPOCH;
  assert.ok(elapsed >= 4 * (5 * MINUTE + 20 * SECOND), `took ${elapsed / MINUTE} min`);
  assert.ok(
    elapsed <= 4 * (5 * MINUTE + 20 * SECOND) + 4 * 30 * SECOND,
    `took ${elapsed / MINUTE} min`,
  );
  for (const job of run.sim.creates()) {
    const finished = run.events.find((e) =>
      e.type === "step" && e.jobId === job.jobId && e.state === "succeeded"
    )!;
    const lag = Date.parse(finished.time) - Date.parse(job.status.stateStartTime!);
    assert.ok(lag >= 0 && lag <= 30 * SECOND, `${job.jobId}: noticed ${lag} ms after it ended`);
  }
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
    durations: { default: 3 * MINUTE, "load:s3": 8 * MINUTE },
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
  const run = await runOnSim(hour, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    during: async (sim, _events, clock) => {
      await clock.until(() => sim.creates()[0]?.status.state === "RUNNING", "the job to run");
      await clock.sleep(10 * MINUTE);
      sim.tenant.externalStop(sim.creates()[0]!.jobId);
    },
  });
  assert.equal(run.result.exitCode, 1);
  assert.equal(run.result.steps[0]!.outcome, "stopped");
  assert.equal(run.result.steps[0]!.error?.reason, "STOPPED_BY_USER");
  assertInvariants(run);
});

Deno.test("the tenant's 5-job limit makes the runner wait for a slot, not fail", async () => {
  const run = await runOnSim({ ...fast, jobLimit: 5 }, {
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
  const run = await runOnSim(hour, {
    run: { signal: controller.signal },
    during: async (_sim, events, clock) => {
      await clock.until(
        () => events.filter((e) => e.type === "step" && e.state === "running").length >= 3,
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
  const run = await runOnSim(hour, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { signal: controller.signal, leaveRunning: true },
    during: async (_sim, events, clock) => {
      await clock.until(
        () => events.some((e) => e.type === "step" && e.state === "running"),
        "a running source",
      );
      await clock.sleep(5 * MINUTE);
      controller.abort(new InterruptedError("SIGTERM"));
    },
  });
  assert.equal(run.result.exitCode, 143);
  assert.equal(run.result.steps[0]!.outcome, "running");
  assert.notEqual(run.sim.creates()[0]!.status.state, "DONE");
  assertInvariants(run, { leaveRunning: true });
});

Deno.test("a job past its timeout is stopped, confirmed DONE, and the run exits 3", async () => {
  const run = await runOnSim(hour, {
    plan: { sources: ["s1"], dataProduct: "dp" },
    run: { timeoutMs: 10 * MINUTE },
  });
  assert.equal(run.result.outcome, "timed_out");
  assert.equal(run.result.exitCode, 3);
  assert.equal(run.result.steps[0]!.outcome, "timed_out");
  assert.equal(run.sim.creates()[0]!.status.error?.reason, "STOPPED_BY_USER");
  assertInvariants(run);
});

// Every injected fault is survived, with no job created twice.
const faultCases: {
  name: string;
  faults: NonNullable<Scenario["faults"]>;
  exit: number;
  run?: Partial<RunOptions>;
}[] = [
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
    name: "a job that vanished (404), polled alone",
    faults: [{ kind: "vanish", path: "get", step: "load:s2" }],
    exit: 4,
    run: { sharePolls: false },
  },
  {
    // Its polls are shared lists that leave it out, and then a GET that is answered 404.
    name: "a job that vanished (404) just after its create, polled with the others",
    faults: [{ kind: "vanish", path: "create", step: "load:s2" }],
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
    const run = await runOnSim({ ...fast, faults: c.faults }, c.run ? { run: c.run } : {});
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
  assert.ok(gets.length >= 6, `polled through the unknown states: ${gets.length} polls`);
  assert.ok(gaps.every((g) => g >= SECOND), `no busy loop: gaps ${gaps.join(",")}`);
});

// Over TCP, on real time: what only a socket does (a connection broken before any answer, a
// request the server never answers) reaches the client through Deno's own fetch.

const tcpFast: Scenario = { pendingMs: 20, durations: { default: 100 } };
const tcpCases: { name: string; faults: NonNullable<Scenario["faults"]> }[] = [
  { name: "a dropped connection on a create", faults: [{ kind: "drop", path: "create" }] },
  { name: "a hung poll", faults: [{ kind: "hang", path: "get" }] },
  { name: "a create whose answer was dropped", faults: [{ kind: "lostCreate" }] },
  { name: "a create that hangs after it was done", faults: [{ kind: "lostCreate", hang: true }] },
];
for (const c of tcpCases) {
  Deno.test(`over TCP: ${c.name} is survived without a duplicate job`, async () => {
    const run = await runOverHttp({ ...tcpFast, faults: c.faults });
    assert.equal(run.result.exitCode, 0, run.result.message);
    assert.ok(run.sim.requests.some((r) => r.fault !== undefined), "the fault was injected");
    assert.equal(run.sim.creates().length, 7);
    assertInvariants(run);
  });
}
