import assert from "node:assert/strict";
import { UsageError } from "../lib/kit/errors.ts";
import {
  DEMO_DATA_PRODUCT,
  DEMO_DESTINATIONS,
  DEMO_SOURCES,
  DEMO_WORKFLOW,
  demoScenario,
  parseScenario,
  type Scenario,
  stepIdOf,
  TenantError,
  TenantModel,
} from "../lib/sim/mod.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { DEMO_POLL_INTERVAL_MS } from "../lib/sim/demo_scenario.ts";
import { VIRTUAL_EPOCH } from "../lib/sim/virtual_clock.ts";
import { runOnSim } from "./_pipeline.ts";

const T0 = Date.parse("2024-06-03T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A tenant on fake time: `clock.t` is what `now()` answers. */
function fakeTenant(scenario: Scenario = {}) {
  const clock = { t: T0 };
  let n = 0;
  const tenant = new TenantModel({
    scenario,
    now: () => clock.t,
    newJobId: () => `job_${String(++n).padStart(4, "0")}`,
  });
  return { tenant, clock };
}

const load = (sourceId: string) => ({ configuration: { load: { sourceId } } });

function tenantError(fn: () => unknown, status: number, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TenantError, `expected a TenantError, got ${error}`);
    assert.equal(error.status, status);
    assert.match(error.message, pattern);
    return true;
  });
}

const history = (job: Job) => job.statusHistory?.map((h) => `${h.state}@${h.stateStartTime}`);

Deno.test("a job is PENDING, then RUNNING for its duration, then DONE, with its statusHistory", () => {
  const { tenant, clock } = fakeTenant({ pendingMs: 300, durations: { "load:crm": 2000 } });
  const created = tenant.create(load("crm"));
  assert.match(created.jobId, /^job_/);
  assert.deepEqual(created.configuration, { load: { sourceId: "crm" } });
  assert.deepEqual(created.status, { state: "PENDING", stateStartTime: iso(T0) });
  clock.t = T0 + 299;
  assert.equal(tenant.get(created.jobId).status.state, "PENDING");
  clock.t = T0 + 300;
  assert.deepEqual(tenant.get(created.jobId).status, {
    state: "RUNNING",
    stateStartTime: iso(T0 + 300),
  });
  clock.t = T0 + 5000;
  const done = tenant.get(created.jobId);
  assert.deepEqual(done.status, { state: "DONE", stateStartTime: iso(T0 + 2300) });
  assert.deepEqual(history(done), [
    `PENDING@${iso(T0)}`,
    `RUNNING@${iso(T0 + 300)}`,
    `DONE@${iso(T0 + 2300)}`,
  ]);
});

Deno.test("timeScale divides every simulated duration", () => {
  const { tenant, clock } = fakeTenant({
    timeScale: 60,
    pendingMs: 60_000,
    durations: { default: 180_000 },
  });
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 1000;
  assert.equal(tenant.get(jobId).status.state, "RUNNING");
  clock.t = T0 + 3999;
  assert.equal(tenant.get(jobId).status.state, "RUNNING");
  clock.t = T0 + 4000;
  assert.equal(tenant.get(jobId).status.state, "DONE");
});

Deno.test("a failing step ends DONE with its error, only for the first `times` jobs", () => {
  const { tenant, clock } = fakeTenant({
    failures: { "load:web": { reason: "PLANNING_FAILED", message: "No plan.", times: 1 } },
  });
  const first = tenant.create(load("web"));
  const second = tenant.create(load("web"));
  const other = tenant.create(load("crm"));
  clock.t = T0 + 60_000;
  assert.deepEqual(tenant.get(first.jobId).status.error, {
    reason: "PLANNING_FAILED",
    message: "No plan.",
  });
  assert.equal(tenant.get(second.jobId).status.error, undefined);
  assert.equal(tenant.get(other.jobId).status.error, undefined);
  assert.equal(tenant.get(first.jobId).status.state, "DONE");
});

Deno.test("stop() on a PENDING job makes it DONE at once with STOPPED_BY_USER", () => {
  const { tenant, clock } = fakeTenant();
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 100;
  assert.deepEqual(tenant.stop(jobId), {});
  const job = tenant.get(jobId);
  assert.deepEqual(job.status, {
    state: "DONE",
    stateStartTime: iso(T0 + 100),
    error: { reason: "STOPPED_BY_USER", message: "The job was stopped by a user." },
  });
  assert.deepEqual(history(job), [`PENDING@${iso(T0)}`, `DONE@${iso(T0 + 100)}`]);
  clock.t = T0 + 60_000;
  assert.equal(tenant.get(jobId).status.error?.reason, "STOPPED_BY_USER");
});

Deno.test("stop() on a RUNNING job goes through STOPPING to DONE with STOPPED_BY_USER", () => {
  const { tenant, clock } = fakeTenant({ stoppingMs: 500, durations: { default: 10_000 } });
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 1000;
  tenant.stop(jobId);
  assert.deepEqual(tenant.get(jobId).status, {
    state: "STOPPING",
    stateStartTime: iso(T0 + 1000),
  });
  clock.t = T0 + 1200;
  tenant.stop(jobId); // a second stop while STOPPING changes nothing
  clock.t = T0 + 1500;
  const job = tenant.get(jobId);
  assert.equal(job.status.state, "DONE");
  assert.equal(job.status.error?.reason, "STOPPED_BY_USER");
  assert.deepEqual(history(job), [
    `PENDING@${iso(T0)}`,
    `RUNNING@${iso(T0 + 300)}`,
    `STOPPING@${iso(T0 + 1000)}`,
    `DONE@${iso(T0 + 1500)}`,
  ]);
});

Deno.test("stop() is asynchronous: a job ending while STOPPING ends the way it would have", () => {
  const { tenant, clock } = fakeTenant({ stoppingMs: 500, durations: { default: 1000 } });
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 1200; // RUNNING until T0 + 1300
  tenant.stop(jobId);
  clock.t = T0 + 2000;
  const job = tenant.get(jobId);
  assert.deepEqual(job.status, { state: "DONE", stateStartTime: iso(T0 + 1300) });
  assert.deepEqual(job.statusHistory?.map((h) => h.state), [
    "PENDING",
    "RUNNING",
    "STOPPING",
    "DONE",
  ]);
});

Deno.test("stop() on a DONE job does nothing", () => {
  const { tenant, clock } = fakeTenant();
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 10_000;
  const before = tenant.get(jobId);
  assert.deepEqual(tenant.stop(jobId), {});
  assert.deepEqual(tenant.get(jobId), before);
  assert.equal(before.status.error, undefined);
});

Deno.test("externalStop() stops a job as someone else would", () => {
  const { tenant, clock } = fakeTenant({ stoppingMs: 0 });
  const { jobId } = tenant.create(load("crm"));
  clock.t = T0 + 500;
  const job = tenant.externalStop(jobId);
  assert.equal(job.status.state, "DONE");
  assert.equal(job.status.error?.reason, "STOPPED_BY_USER");
});

Deno.test("get() and stop() of an unknown or forgotten job answer 404", () => {
  const { tenant } = fakeTenant();
  tenantError(() => tenant.get("job_nope"), 404, /job_nope.*not found/);
  tenantError(() => tenant.stop("job_nope"), 404, /job_nope/);
  const { jobId } = tenant.create(load("crm"));
  assert.equal(tenant.forget(jobId), true);
  tenantError(() => tenant.get(jobId), 404, /not found/);
  assert.equal(tenant.stepOf(jobId), "load:crm");
  assert.equal(tenant.creates().length, 1);
  assert.equal(tenant.list().jobs.length, 0);
});

Deno.test("a create beyond jobLimit jobs not DONE answers 429, and works again once one is DONE", () => {
  const { tenant, clock } = fakeTenant({ jobLimit: 2, durations: { default: 1000 } });
  tenant.create(load("a"));
  clock.t = T0 + 500;
  tenant.create(load("b"));
  tenantError(() => tenant.create(load("c")), 429, /at most 2 jobs/);
  assert.equal(tenant.creates().length, 2);
  clock.t = T0 + 1300; // the first is DONE
  assert.equal(tenant.activeCount(), 1);
  tenant.create(load("c"));
  tenantError(() => tenant.create(load("d")), 429, /at most 2/);
});

Deno.test("list() pages newest first with an opaque pageToken and an empty one at the end", () => {
  const { tenant, clock } = fakeTenant({ jobLimit: 100 });
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    ids.push(tenant.create(load(`s${i}`)).jobId);
    clock.t += 10;
  }
  const newestFirst = [...ids].reverse();
  const first = tenant.list();
  assert.equal(first.jobs.length, 10);
  assert.deepEqual(first.jobs.map((j) => j.jobId), newestFirst.slice(0, 10));
  assert.ok(first.nextPageToken);
  tenant.create(load("late")); // a job created meanwhile does not shift the pages
  const second = tenant.list({ pageToken: first.nextPageToken, pageSize: "10" });
  assert.deepEqual(second.jobs.map((j) => j.jobId), newestFirst.slice(10, 20));
  const third = tenant.list({ pageToken: second.nextPageToken ?? "", pageSize: 10 });
  assert.deepEqual(third.jobs.map((j) => j.jobId), newestFirst.slice(20));
  assert.equal(third.nextPageToken, "");
  assert.equal(tenant.list({ pageSize: "30" }).jobs.length, 26);
});

Deno.test("list() refuses a pageSize above 30 or not a number, and a bad pageToken, with 400", () => {
  const { tenant } = fakeTenant();
  tenantError(() => tenant.list({ pageSize: "31" }), 400, /pageSize.*1 to 30.*"31"/);
  tenantError(() => tenant.list({ pageSize: "-1" }), 400, /pageSize/);
  tenantError(() => tenant.list({ pageSize: "ten" }), 400, /"ten"/);
  tenantError(() => tenant.list({ pageToken: "not a token" }), 400, /pageToken/);
  tenantError(() => tenant.list({ pageToken: btoa("x") }), 400, /pageToken/);
  assert.deepEqual(tenant.list({ pageSize: "0" }), { jobs: [], nextPageToken: "" });
});

Deno.test("create() refuses a body that is not exactly one known configuration, naming what is wrong", () => {
  const { tenant } = fakeTenant();
  const cases: [unknown, RegExp][] = [
    [null, /JSON object/],
    [{}, /"configuration" object/],
    [{ configuration: {}, extra: 1 }, /Unknown field "extra"/],
    [{ configuration: {} }, /exactly one of load, update, publish, got none/],
    [{ configuration: { refresh: {} } }, /Unknown configuration kind "refresh"/],
    [
      { configuration: { load: { sourceId: "a" }, publish: {} } },
      /exactly one.*got load, publish/,
    ],
    [{ configuration: { load: {} } }, /configuration\.load\.sourceId is required/],
    [{ configuration: { load: { sourceId: "" } } }, /sourceId must be a non-empty string/],
    [{ configuration: { load: { sourceId: 3 } } }, /sourceId must be a non-empty string, got 3/],
    [
      { configuration: { load: { sourceId: "a", x: 1 } } },
      /Unknown field "x" in configuration\.load/,
    ],
    [{ configuration: { update: {} } }, /exactly one of dataProductId, workflowId, got none/],
    [
      { configuration: { update: { dataProductId: "d", workflowId: "w" } } },
      /exactly one of dataProductId, workflowId/,
    ],
    [{ configuration: { publish: { destinationId: "x" } } }, /publish\.dataProductId is required/],
  ];
  for (const [body, pattern] of cases) {
    tenantError(() => tenant.create(body), 400, pattern);
  }
  assert.equal(tenant.creates().length, 0);
});

Deno.test("stepIdOf() names the step of each configuration kind", () => {
  assert.equal(stepIdOf({ load: { sourceId: "s" } }), "load:s");
  assert.equal(stepIdOf({ update: { dataProductId: "d" } }), "update:d");
  assert.equal(stepIdOf({ update: { workflowId: "w" } }), "index:w");
  assert.equal(stepIdOf({ publish: { destinationId: "x", dataProductId: "d" } }), "publish:x");
});

Deno.test("jitter varies durations within its fraction, the same way for the same seed", () => {
  const ends = (seed: number) => {
    const { tenant, clock } = fakeTenant({
      seed,
      jitter: 0.5,
      pendingMs: 0,
      jobLimit: 100,
      durations: { default: 1000 },
    });
    const ids = Array.from({ length: 20 }, (_, i) => tenant.create(load(`s${i}`)).jobId);
    clock.t = T0 + 10_000;
    return ids.map((id) => Date.parse(tenant.get(id).status.stateStartTime ?? "") - T0);
  };
  const a = ends(7);
  assert.deepEqual(ends(7), a);
  assert.notDeepEqual(ends(8), a);
  assert.ok(a.every((ms) => ms >= 500 && ms <= 1500), `durations out of range: ${a}`);
  assert.ok(new Set(a).size > 10);
});

Deno.test("parseScenario() reads durations as ms or duration strings and applies them", () => {
  const scenario = parseScenario({
    seed: 3,
    durations: { default: "3m", "load:a": 500 },
    pendingMs: "1s",
    faults: [{ kind: "status", status: 503, retryAfter: "1", path: "get", times: "always" }],
    failures: { "load:a": { reason: "PLANNING_FAILED", message: "m" } },
  });
  assert.deepEqual(scenario.durations, { default: 180_000, "load:a": 500 });
  assert.equal(scenario.pendingMs, 1000);
  assert.equal(scenario.faults?.[0]?.times, "always");
});

Deno.test("parseScenario() refuses unknown and wrong fields with a UsageError naming them", () => {
  const cases: [unknown, RegExp][] = [
    [{ seeds: 1 }, /unknown field "seeds"/],
    [{ faults: [{ kind: "drop", when: 1 }] }, /unknown field "faults\[0\]\.when"/],
    [{ faults: [{ kind: "explode" }] }, /"faults\[0\]\.kind".*"explode"/],
    [{ faults: [{ kind: "status" }] }, /"faults\[0\]\.status"/],
    [{ durations: { "loads:a": 1 } }, /key "loads:a" of field "durations" is not a step id/],
    [{ durations: { "load:a": "soon" } }, /"durations\.load:a".*"soon"/],
    [{ failures: { "load:a": { reason: "x y", message: "m" } } }, /failures\.load:a\.reason/],
    [{ jobLimit: 0 }, /"jobLimit"/],
    [[], /expected object/],
  ];
  for (const [json, pattern] of cases) {
    assert.throws(() => parseScenario(json), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

Deno.test("demoScenario() covers every demo step and fails web_signups only when asked", () => {
  const ok = demoScenario({});
  const steps = [
    ...DEMO_SOURCES.map((s) => `load:${s}`),
    `update:${DEMO_DATA_PRODUCT}`,
    `index:${DEMO_WORKFLOW}`,
    ...DEMO_DESTINATIONS.map((d) => `publish:${d}`),
  ];
  assert.equal(DEMO_SOURCES.length, 5);
  for (const step of steps) assert.ok(ok.durations?.[step], `no duration for ${step}`);
  assert.equal(ok.failures, undefined);
  const failing = demoScenario({ fail: true });
  assert.deepEqual(Object.keys(failing.failures ?? {}), ["load:web_signups"]);
  assert.equal(failing.failures?.["load:web_signups"]?.reason, "PLANNING_FAILED");
  // Round-trips through the JSON reader, as `tamr-refresh sim --scenario` would.
  assert.deepEqual(parseScenario(JSON.parse(JSON.stringify(failing))), failing);
});

/** How long the demo's jobs take at concurrency 4, polling lag ignored, in seconds. */
function demoJobSeconds(speed: number): number {
  const scenario = demoScenario({ speed });
  const { tenant, clock } = fakeTenant(scenario);
  const finish = (jobId: string) => {
    const job = tenant.get(jobId);
    return Date.parse(job.status.stateStartTime ?? "");
  };
  // Loads at concurrency 4, each next one starting when one ends (polling lag ignored).
  const lanes = [T0, T0, T0, T0];
  let loadsDone = T0;
  for (const source of DEMO_SOURCES) {
    lanes.sort((a, b) => a - b);
    clock.t = lanes[0]!;
    const { jobId } = tenant.create(load(source));
    clock.t = T0 + 3_600_000;
    lanes[0] = finish(jobId);
    loadsDone = Math.max(loadsDone, lanes[0]);
  }
  clock.t = loadsDone;
  const dp = tenant.create({ configuration: { update: { dataProductId: DEMO_DATA_PRODUCT } } });
  clock.t = T0 + 3_600_000;
  const dpDone = finish(dp.jobId);
  clock.t = dpDone;
  const after = [
    tenant.create({ configuration: { update: { workflowId: DEMO_WORKFLOW } } }),
    ...DEMO_DESTINATIONS.map((destinationId) =>
      tenant.create({
        configuration: { publish: { destinationId, dataProductId: DEMO_DATA_PRODUCT } },
      })
    ),
  ];
  clock.t = T0 + 3_600_000;
  const end = Math.max(...after.map((j) => finish(j.jobId)));
  return (end - T0) / 1000;
}

Deno.test("demoScenario() makes the demo pipeline at concurrency 4 take 12–15 s of real time", () => {
  const seconds = demoJobSeconds(1);
  // Leave about a second for polling lag within the 12–15 s the demo aims at.
  assert.ok(seconds >= 11 && seconds <= 14, `the demo pipeline takes ${seconds}s`);
});

Deno.test("demoScenario({ speed }) runs the same jobs N times faster", () => {
  const normal = demoJobSeconds(1);
  for (const speed of [2, 10, 250]) {
    const fast = demoJobSeconds(speed);
    assert.ok(Math.abs(fast * speed - normal) < 0.01 * speed, `speed ${speed}: ${fast}s`);
  }
});

Deno.test("the demo's pipeline, polled as the demo polls, takes about 14 s, and about a tenth at --speed 10", async () => {
  const plan = {
    sources: [...DEMO_SOURCES],
    dataProduct: DEMO_DATA_PRODUCT,
    workflow: DEMO_WORKFLOW,
    destinations: [...DEMO_DESTINATIONS],
  };
  const seconds = async (speed: number) => {
    const run = await runOnSim(demoScenario({ speed }), {
      plan,
      run: { pollIntervalMs: DEMO_POLL_INTERVAL_MS / speed },
    });
    assert.equal(run.result.outcome, "succeeded", run.result.message);
    return (run.clock.now() - VIRTUAL_EPOCH) / 1000;
  };
  const normal = await seconds(1);
  assert.ok(normal >= 12 && normal <= 15, `the demo takes ${normal}s`);
  const fast = await seconds(10);
  // The jobs and the poll interval are ten times shorter; the runner's first poll of a job (1 s,
  // capped at the poll interval) is not, which rounds a job's end up a little more.
  assert.ok(fast >= normal / 10 && fast <= (normal / 10) * 1.3, `at speed 10: ${fast}s`);
});
