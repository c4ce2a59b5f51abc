import assert from "node:assert/strict";
import {
  type Fault,
  parseScenario,
  type Scenario,
  type SimTenant,
  startSimTenant,
} from "../lib/sim/mod.ts";
import { UsageError } from "../lib/kit/errors.ts";
import type { Job, JobPage } from "../lib/kit/api/types.ts";

const JOBS = "/api/v1beta1/jobs";

/** Runs `fn` against a fresh simulated tenant and closes it afterwards. */
async function withSim(scenario: Scenario, fn: (sim: SimTenant) => Promise<void>): Promise<void> {
  const sim = await startSimTenant({ scenario });
  try {
    await fn(sim);
    assert.deepEqual(sim.errors, []);
  } finally {
    await sim.close();
  }
}

function call(
  sim: SimTenant,
  method: "GET" | "POST",
  path: string,
  init: { body?: unknown; key?: string | null; signal?: AbortSignal; rawBody?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = init.key === undefined ? sim.apiKey : init.key;
  if (key !== null) headers["x-api-key"] = key;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return fetch(`${sim.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

async function callJson<T>(
  sim: SimTenant,
  method: "GET" | "POST",
  path: string,
  init: Parameters<typeof call>[3] = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(sim, method, path, init);
  return { status: res.status, headers: res.headers, body: await res.json() as T };
}

const loadBody = (sourceId: string) => ({ configuration: { load: { sourceId } } });
const createLoad = (sim: SimTenant, sourceId: string) =>
  callJson<Job>(sim, "POST", JOBS, { body: loadBody(sourceId) });

const withFaults = (...faults: Fault[]): Scenario => ({ faults });

/** Resolves once the tenant has received `n` requests (a state, not a length of time). */
async function received(sim: SimTenant, n: number): Promise<void> {
  while (sim.requests.length < n) await new Promise((r) => setTimeout(r, 1));
}

Deno.test("the tenant answers 401 without the X-API-KEY header or with a wrong key, never echoing a key", async () => {
  await withSim({}, async (sim) => {
    assert.match(sim.apiKey, /^sim_[0-9a-f]{32}$/);
    const missing = await callJson<{ statusCode: number; message: string }>(sim, "GET", JOBS, {
      key: null,
    });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.statusCode, 401);
    assert.match(missing.body.message, /X-API-KEY/);
    const wrong = await callJson<{ message: string }>(sim, "GET", JOBS, { key: "sim_wrong" });
    assert.equal(wrong.status, 401);
    assert.ok(!wrong.body.message.includes("sim_wrong"));
    assert.ok(!wrong.body.message.includes(sim.apiKey));
    const right = await callJson<JobPage>(sim, "GET", JOBS);
    assert.equal(right.status, 200);
    assert.deepEqual(sim.requests.map((r) => r.status), [401, 401, 200]);
  });
});

Deno.test("create, get, list and stop work over HTTP as the Jobs API describes", async () => {
  await withSim({ pendingMs: 10_000 }, async (sim) => {
    const created = await createLoad(sim, "crm");
    assert.equal(created.status, 200);
    assert.match(created.headers.get("content-type") ?? "", /application\/json/);
    const { jobId } = created.body;
    assert.equal(created.body.status.state, "PENDING");
    const got = await callJson<Job>(sim, "GET", `${JOBS}/${jobId}`);
    assert.deepEqual(got.body.configuration, { load: { sourceId: "crm" } });
    const filter = encodeURIComponent('configuration.load.source_id = "crm"');
    const page = await callJson<JobPage>(sim, "GET", `${JOBS}?pageSize=5&filter=${filter}`);
    assert.deepEqual(page.body.jobs.map((j) => j.jobId), [jobId]);
    assert.equal(page.body.nextPageToken, "");
    const stopped = await callJson<unknown>(sim, "POST", `${JOBS}/${jobId}:stop`, { body: {} });
    assert.deepEqual(stopped, { status: 200, headers: stopped.headers, body: {} });
    const after = await callJson<Job>(sim, "GET", `${JOBS}/${jobId}`);
    assert.equal(after.body.status.state, "DONE");
    assert.equal(after.body.status.error?.reason, "STOPPED_BY_USER");
    assert.deepEqual(sim.creates().map((j) => j.jobId), [jobId]);
    assert.deepEqual(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`), [
      `POST ${JOBS} 200`,
      `GET ${JOBS}/${jobId} 200`,
      `GET ${JOBS} 200`,
      `POST ${JOBS}/${jobId}:stop 200`,
      `GET ${JOBS}/${jobId} 200`,
    ]);
  });
});

Deno.test("the tenant answers 404 for unknown routes and jobs, 400 for bad JSON and bad bodies, 429 past the job limit", async () => {
  await withSim({ jobLimit: 1, durations: { default: 60_000 } }, async (sim) => {
    assert.equal((await callJson(sim, "GET", "/api/v1beta1/sources")).status, 404);
    assert.equal((await callJson(sim, "POST", `${JOBS}/job_x`, { body: {} })).status, 404);
    const unknown = await callJson<{ message: string }>(sim, "GET", `${JOBS}/job_nope`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /job_nope/);
    const badJson = await callJson<{ message: string }>(sim, "POST", JOBS, { rawBody: "{oops" });
    assert.equal(badJson.status, 400);
    assert.match(badJson.body.message, /not valid JSON/);
    const badStop = await callJson(sim, "POST", `${JOBS}/job_nope:stop`, { rawBody: "" });
    assert.equal(badStop.status, 400);
    const badBody = await callJson<{ message: string }>(sim, "POST", JOBS, {
      body: { configuration: { load: {} } },
    });
    assert.equal(badBody.status, 400);
    assert.match(badBody.body.message, /sourceId/);
    assert.equal((await callJson(sim, "GET", `${JOBS}?pageSize=31`)).status, 400);
    assert.equal((await createLoad(sim, "a")).status, 200);
    const limited = await callJson<{ statusCode: number }>(sim, "POST", JOBS, {
      body: loadBody("b"),
    });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.statusCode, 429);
    assert.equal(limited.headers.get("retry-after"), null);
    assert.equal(sim.creates().length, 1);
  });
});

Deno.test("a status fault answers its status with a JSON body and the Retry-After header", async () => {
  const scenario = withFaults({ kind: "status", status: 503, retryAfter: "2", path: "create" });
  await withSim(scenario, async (sim) => {
    const res = await callJson<{ statusCode: number }>(sim, "POST", JOBS, { body: loadBody("a") });
    assert.equal(res.status, 503);
    assert.equal(res.body.statusCode, 503);
    assert.equal(res.headers.get("retry-after"), "2");
    assert.equal(sim.creates().length, 0);
    assert.equal((await createLoad(sim, "a")).status, 200);
    assert.equal(sim.requests[0]?.fault, "status");
  });
});

Deno.test("faults match by step and honour `after` and `times`", async () => {
  const scenario = withFaults(
    { kind: "status", status: 500, step: "load:b", after: 1, times: 2 },
  );
  await withSim(scenario, async (sim) => {
    const { body: a } = await createLoad(sim, "a");
    const { body: b } = await createLoad(sim, "b"); // the first matching request: skipped
    const statuses: number[] = [];
    for (const id of [a.jobId, b.jobId, a.jobId, b.jobId, b.jobId]) {
      const res = await call(sim, "GET", `${JOBS}/${id}`);
      await res.body?.cancel();
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [200, 500, 200, 500, 200]);
  });
});

Deno.test("an html fault answers 502 with an HTML page", async () => {
  await withSim(withFaults({ kind: "html" }), async (sim) => {
    const res = await call(sim, "GET", JOBS);
    assert.equal(res.status, 502);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await res.text(), /<h1>502 Bad Gateway<\/h1>/);
  });
});

Deno.test("a drop fault closes the connection: the client's fetch throws, and the next request works", async () => {
  await withSim(withFaults({ kind: "drop", path: "get" }), async (sim) => {
    const { body: job } = await createLoad(sim, "a");
    await assert.rejects(call(sim, "GET", `${JOBS}/${job.jobId}`), TypeError);
    assert.equal((await callJson(sim, "GET", `${JOBS}/${job.jobId}`)).status, 200);
    assert.deepEqual(sim.requests.map((r) => r.status), [200, null, 200]);
  });
});

Deno.test("a hang fault never answers until the client aborts", async () => {
  await withSim(withFaults({ kind: "hang" }), async (sim) => {
    const controller = new AbortController();
    const hung = call(sim, "GET", JOBS, { signal: controller.signal });
    let settled = false;
    void hung.then(() => settled = true, () => settled = true);
    await received(sim, 1);
    // A later request is answered while the hung one still waits.
    assert.equal((await callJson(sim, "GET", JOBS)).status, 200);
    assert.equal(settled, false, "the hung request got no answer");
    const reason = new DOMException("gave up", "TimeoutError");
    controller.abort(reason);
    await assert.rejects(hung, (error: unknown) => error === reason);
    assert.deepEqual(sim.requests.map((r) => r.status), [null, 200]);
  });
});

Deno.test("close() releases a hung request", async () => {
  const sim = await startSimTenant({ scenario: withFaults({ kind: "hang" }) });
  const pending = call(sim, "GET", JOBS);
  await received(sim, 1);
  await sim.close();
  await assert.rejects(pending, TypeError);
  await sim.close(); // twice is fine
});

Deno.test("aborting the signal passed to startSimTenant() closes it", async () => {
  const controller = new AbortController();
  const sim = await startSimTenant({ signal: controller.signal });
  controller.abort();
  await sim.close();
  await assert.rejects(call(sim, "GET", JOBS), TypeError);
});

Deno.test("a malformed fault answers 200 with JSON cut short", async () => {
  await withSim(withFaults({ kind: "malformed", path: "create" }), async (sim) => {
    const res = await call(sim, "POST", JOBS, { body: loadBody("a") });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.startsWith('{"jobId":"job_'));
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.equal(sim.creates().length, 1);
  });
});

Deno.test("an unknownState fault makes the job read STATE_UNSPECIFIED once", async () => {
  await withSim(withFaults({ kind: "unknownState", path: "get" }), async (sim) => {
    const { body: job } = await createLoad(sim, "a");
    const odd = await callJson<Job>(sim, "GET", `${JOBS}/${job.jobId}`);
    assert.equal(odd.body.status.state, "STATE_UNSPECIFIED");
    assert.equal(odd.body.jobId, job.jobId);
    const normal = await callJson<Job>(sim, "GET", `${JOBS}/${job.jobId}`);
    assert.notEqual(normal.body.status.state, "STATE_UNSPECIFIED");
  });
});

Deno.test("a lostCreate fault creates the job although the client's create failed", async () => {
  await withSim(
    withFaults({ kind: "lostCreate" }, { kind: "lostCreate", status: 502 }),
    async (sim) => {
      assert.equal((await callJson(sim, "GET", JOBS)).status, 200); // the connection is reused
      await assert.rejects(call(sim, "POST", JOBS, { body: loadBody("a") }), TypeError);
      const gateway = await call(sim, "POST", JOBS, { body: loadBody("b") });
      assert.equal(gateway.status, 502);
      assert.match(gateway.headers.get("content-type") ?? "", /text\/html/);
      await gateway.body?.cancel();
      const page = await callJson<JobPage>(sim, "GET", JOBS);
      assert.deepEqual(page.body.jobs.map((j) => j.configuration), [
        { load: { sourceId: "b" } },
        { load: { sourceId: "a" } },
      ]);
      assert.equal(sim.creates().length, 2);
      // Deno's fetch did not quietly send the dropped create again.
      assert.deepEqual(sim.requests.map((r) => r.status), [200, null, 502, 200]);
    },
  );
});

Deno.test("a vanish fault forgets the job: that get and later ones answer 404", async () => {
  await withSim(
    withFaults({ kind: "vanish", step: "load:a", path: "get", after: 1 }),
    async (sim) => {
      const { body: job } = await createLoad(sim, "a");
      assert.equal((await callJson(sim, "GET", `${JOBS}/${job.jobId}`)).status, 200);
      assert.equal((await callJson(sim, "GET", `${JOBS}/${job.jobId}`)).status, 404);
      assert.equal((await callJson(sim, "GET", `${JOBS}/${job.jobId}`)).status, 404);
      assert.equal((await callJson<JobPage>(sim, "GET", JOBS)).body.jobs.length, 0);
      assert.equal(sim.creates().length, 1);
    },
  );
});

Deno.test("an unauthorized fault answers 401 for `times` requests, then the key works again", async () => {
  await withSim(withFaults({ kind: "unauthorized", after: 1, times: 2 }), async (sim) => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await callJson(sim, "GET", JOBS)).status);
    assert.deepEqual(statuses, [200, 401, 401, 200]);
  });
});

Deno.test("a job runs to DONE on the tenant's clock over HTTP, with a scenario read from JSON", async () => {
  const scenario = parseScenario({
    timeScale: 100,
    pendingMs: "1s",
    durations: { default: "2s" },
    failures: { "load:bad": { reason: "PLANNING_FAILED", message: "No plan." } },
  });
  let now = Date.UTC(2026, 0, 1);
  const sim = await startSimTenant({ scenario, now: () => now });
  try {
    const { body: good } = await createLoad(sim, "good");
    const { body: bad } = await createLoad(sim, "bad");
    now += 29; // 2.9 s of simulated time at timeScale 100: still running
    const running = await callJson<Job>(sim, "GET", `${JOBS}/${good.jobId}`);
    assert.equal(running.body.status.state, "RUNNING");
    now += 1; // 3 s: PENDING for 1 s, RUNNING for 2 s
    const g = await callJson<Job>(sim, "GET", `${JOBS}/${good.jobId}`);
    const b = await callJson<Job>(sim, "GET", `${JOBS}/${bad.jobId}`);
    assert.equal(g.body.status.state, "DONE");
    assert.equal(g.body.status.error, undefined);
    assert.deepEqual(g.body.statusHistory?.map((h) => h.state), ["PENDING", "RUNNING", "DONE"]);
    assert.equal(g.body.status.stateStartTime, new Date(now).toISOString());
    assert.deepEqual(b.body.status.error, { reason: "PLANNING_FAILED", message: "No plan." });
    assert.deepEqual(sim.errors, []);
  } finally {
    await sim.close();
  }
});

Deno.test("startSimTenant() on a port in use throws a UsageError naming the port", async () => {
  const first = await startSimTenant();
  const port = Number(new URL(first.baseUrl).port);
  try {
    await assert.rejects(startSimTenant({ port }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use`));
      return true;
    });
  } finally {
    await first.close();
  }
});

Deno.test("a job stopped by someone else reads DONE with STOPPED_BY_USER over HTTP", async () => {
  await withSim({ pendingMs: 0, stoppingMs: 0, durations: { default: 60_000 } }, async (sim) => {
    const { body: job } = await createLoad(sim, "a");
    sim.tenant.externalStop(job.jobId);
    const after = await callJson<Job>(sim, "GET", `${JOBS}/${job.jobId}`);
    assert.equal(after.body.status.state, "DONE");
    assert.equal(after.body.status.error?.reason, "STOPPED_BY_USER");
  });
});
