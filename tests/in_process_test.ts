/**
 * The simulated tenant in-process: its own `fetch` answers as the TCP server does (the same
 * handler), on a virtual clock, with drops and hangs shaped like Deno's fetch failures.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import { describeNetworkError, neverReachedServer } from "../lib/kit/api/_client_text.ts";
import type { Job, JobPage } from "../lib/kit/api/types.ts";
import { ApiError } from "../lib/kit/errors.ts";
import { isLoopbackHost } from "../lib/kit/tenant.ts";
import { createInProcessTenant, type InProcessTenant } from "../lib/sim/in_process.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { VIRTUAL_EPOCH, VirtualClock } from "../lib/sim/virtual_clock.ts";

const KEY = "sim_key_for_tests";
const JOBS = "/api/v1beta1/jobs";

function tenant(scenario: Scenario = {}) {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: KEY, clock });
  const client = createJobClient({
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    fetch: sim.fetch,
    createFetch: sim.fetch,
    clock,
    random: () => 0,
    retry: { maxAttempts: 1 },
  });
  return { clock, sim, client };
}

const call = (sim: InProcessTenant, method: string, path: string, init: RequestInit = {}) =>
  sim.fetch(`${sim.baseUrl}${path}`, {
    method,
    ...init,
    headers: { "x-api-key": KEY, "content-type": "application/json", ...init.headers },
  });

const load = (sourceId: string) => JSON.stringify({ configuration: { load: { sourceId } } });

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

Deno.test("the in-process tenant serves the Jobs API on its clock: a job runs to DONE as virtual time passes", async () => {
  const { clock, sim, client } = tenant({ pendingMs: 20_000, durations: { default: 300_000 } });
  assert.ok(isLoopbackHost(new URL(sim.baseUrl).hostname), "http:// is allowed for its base URL");
  const job = await clock.run(() => client.createJob({ load: { sourceId: "s1" } }));
  assert.equal(job.status.state, "PENDING");
  const states = await clock.run(async () => {
    const seen: string[] = [];
    for (const wait of [10_000, 20_000, 300_000]) {
      await clock.sleep(wait);
      seen.push((await client.getJob(job.jobId)).status.state);
    }
    return seen;
  });
  assert.deepEqual(states, ["PENDING", "RUNNING", "DONE"]);
  const done = sim.creates()[0]!;
  assert.equal(done.status.stateStartTime, new Date(VIRTUAL_EPOCH + 320_000).toISOString());
  await clock.run(() => client.stopJob(job.jobId));
  const page = await (await call(sim, "GET", `${JOBS}?pageSize=5`)).json() as JobPage;
  assert.deepEqual(page.jobs.map((j) => j.jobId), [job.jobId]);
  assert.deepEqual(
    sim.requests.map((r) => [r.method, r.path, r.status, r.time - VIRTUAL_EPOCH]),
    [
      ["POST", JOBS, 200, 0],
      ["GET", `${JOBS}/${job.jobId}`, 200, 10_000],
      ["GET", `${JOBS}/${job.jobId}`, 200, 30_000],
      ["GET", `${JOBS}/${job.jobId}`, 200, 330_000],
      ["POST", `${JOBS}/${job.jobId}:stop`, 200, 330_000],
      ["GET", JOBS, 200, 330_000],
    ],
  );
  assert.deepEqual(sim.errors, []);
});

Deno.test("the in-process tenant checks the key and answers unknown routes with 404", async () => {
  const { sim } = tenant();
  const wrongKey = await call(sim, "GET", JOBS, { headers: { "x-api-key": "nope" } });
  assert.equal(wrongKey.status, 401);
  assert.doesNotMatch(await wrongKey.text(), /nope|sim_key/);
  const unknown = await call(sim, "GET", "/api/v1beta1/sources");
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("a drop rejects like a connection closed after the request reached the tenant", async () => {
  const { sim } = tenant({ faults: [{ kind: "lostCreate" }] });
  const error = await rejection(call(sim, "POST", JOBS, { body: load("a") }));
  assert.ok(error instanceof TypeError);
  assert.equal(neverReachedServer(error), false, "the request may have been acted on");
  assert.equal(describeNetworkError(error, KEY), "the connection was closed before an answer came");
  assert.equal(sim.creates().length, 1, "the lost create was performed");
  assert.deepEqual(sim.requests.map((r) => [r.status, r.fault]), [[null, "lostCreate"]]);
});

Deno.test("the client does not send a create again after a drop: the job may exist", async () => {
  const { clock, sim, client } = tenant({ faults: [{ kind: "drop", path: "create" }] });
  const e = await rejection(clock.run(() => client.createJob({ load: { sourceId: "b" } })));
  assert.ok(e instanceof ApiError && e.ambiguous, `expected an ambiguous ApiError, got ${e}`);
  assert.equal(sim.requests.length, 1);
  assert.equal(sim.creates().length, 0, "a drop fault performs nothing");
});

Deno.test("a hang waits for the request's signal and rejects with its reason; the client times out on virtual time", async () => {
  const { clock, sim } = tenant({ faults: [{ kind: "hang", path: "get", times: 2 }] });
  const controller = new AbortController();
  const hung = call(sim, "GET", `${JOBS}/job_x`, { signal: controller.signal });
  let settled = false;
  void hung.then(() => settled = true, () => settled = true);
  await clock.run(() => clock.sleep(3_600_000));
  assert.equal(settled, false, "an hour later, still no answer");
  const reason = new Error("gave up");
  controller.abort(reason);
  assert.equal(await rejection(hung), reason);

  const client = createJobClient({
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    fetch: sim.fetch,
    clock,
    requestTimeoutMs: 30_000,
    retry: { maxAttempts: 1 },
  });
  const start = clock.now();
  const e = await rejection(clock.run(() => client.getJob("job_y")));
  assert.ok(e instanceof ApiError);
  assert.match(e.message, /no answer within 30s/);
  assert.equal(clock.now() - start, 30_000);
  assert.deepEqual(sim.requests.map((r) => r.status), [null, null]);
});

Deno.test("close() releases hung requests as closed connections; afterwards nothing is reached", async () => {
  const { sim } = tenant({ faults: [{ kind: "hang" }] });
  const hung = call(sim, "GET", JOBS);
  assert.equal(sim.requests.length, 1, "the request reached the tenant");
  await sim.close();
  const released = await rejection(hung);
  assert.ok(released instanceof TypeError);
  assert.equal(neverReachedServer(released), false);
  const after = await rejection(call(sim, "GET", JOBS));
  assert.equal(neverReachedServer(after), true, "a closed tenant refuses connections");
  assert.equal(sim.requests.length, 1);
});

Deno.test("a request to another origin is refused before it reaches the tenant", async () => {
  const { sim } = tenant();
  const error = await rejection(sim.fetch("http://127.0.0.1:10/api/v1beta1/jobs"));
  assert.equal(neverReachedServer(error), true);
  assert.equal(describeNetworkError(error, KEY), "connection refused");
  assert.deepEqual(sim.requests, []);
});

Deno.test("an answer that comes after the caller aborted is not delivered: fetch rejects with the reason", async () => {
  const { sim } = tenant();
  const controller = new AbortController();
  const reason = new Error("interrupted");
  const pending = call(sim, "POST", JOBS, { body: load("a"), signal: controller.signal });
  controller.abort(reason); // while the tenant works on it
  assert.equal(await rejection(pending), reason);
  const already = await rejection(call(sim, "GET", JOBS, { signal: AbortSignal.abort(reason) }));
  assert.equal(already, reason);
});

Deno.test("job ids come from the scenario's seed: the same seed gives the same ids", async () => {
  const ids = async (seed: number) => {
    const { clock, client } = tenant({ seed });
    const jobs: Job[] = [];
    for (const s of ["a", "b", "c"]) {
      jobs.push(await clock.run(() => client.createJob({ load: { sourceId: s } })));
    }
    return jobs.map((j) => j.jobId);
  };
  const first = await ids(7);
  assert.equal(new Set(first).size, 3);
  for (const id of first) assert.match(id, /^job_[0-9a-f]{16}$/);
  assert.deepEqual(await ids(7), first);
  assert.notDeepEqual(await ids(8), first);
});
