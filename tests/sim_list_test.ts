/**
 * The simulated tenant's list and clock knobs: the documented filter on `GET /jobs` (every page,
 * 400 for a malformed one or a changed one), `refuseFilters`, `clockOffsetMs` (its times and its
 * `Date` header), `listOrder: "started"`, `statusHistoryOrder: "newestFirst"`, `echoServerFields`.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { ApiError, UsageError } from "../lib/kit/errors.ts";
import { createdAt } from "../lib/kit/job/job_times.ts";
import { createInProcessTenant } from "../lib/sim/in_process.ts";
import { parseScenario, type Scenario, TenantError, TenantModel } from "../lib/sim/mod.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";

const T0 = Date.parse("2024-06-03T10:00:00.000Z");
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function fakeTenant(scenario: Scenario = {}) {
  const clock = { t: T0 };
  let n = 0;
  const tenant = new TenantModel({
    scenario: { jobLimit: 1000, ...scenario },
    now: () => clock.t,
    newJobId: () => `job_${String(++n).padStart(4, "0")}`,
  });
  return { tenant, clock };
}

const load = (sourceId: string) => ({ configuration: { load: { sourceId } } });
const ids = (jobs: Job[]) => jobs.map((j) => j.jobId);

function tenantError(fn: () => unknown, status: number, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TenantError, `expected a TenantError, got ${error}`);
    assert.equal(error.status, status);
    assert.match(error.message, pattern);
    return true;
  });
}

/** Every page of a filtered list, the filter sent with each. */
function listAll(tenant: TenantModel, filter: string, pageSize = 3): Job[] {
  const out: Job[] = [];
  let pageToken = "";
  do {
    const page = tenant.list({ filter, pageSize, pageToken });
    out.push(...page.jobs);
    pageToken = page.nextPageToken ?? "";
  } while (pageToken);
  return out;
}

Deno.test("list() applies the filter on every page, and the pages together hold exactly its jobs", () => {
  const { tenant, clock } = fakeTenant({ pendingMs: 0, durations: { default: 10 * MIN } });
  const made: Job[] = [];
  for (let i = 0; i < 12; i++) {
    made.push(tenant.create(load(i % 3 === 0 ? "crm" : `s${i}`)));
    clock.t += MIN;
  }
  tenant.create({ configuration: { update: { dataProductId: "dp" } } });
  const crm = ids(made.filter((_j, i) => i % 3 === 0)).reverse();
  assert.deepEqual(ids(listAll(tenant, 'configuration.load.source_id = "crm"', 1)), crm);
  assert.deepEqual(ids(listAll(tenant, "configuration:update")).length, 1);
  // 12 minutes in, the first three (10 minutes each) are DONE.
  const unfinished = listAll(tenant, "status.state != DONE");
  assert.equal(unfinished.length, 10);
  assert.ok(unfinished.every((j) => j.status.state !== "DONE"));
  const since = listAll(tenant, `create_time() >= "${iso(T0 + 10 * MIN)}"`);
  assert.deepEqual(ids(since), [
    tenant.list({ pageSize: 1 }).jobs[0]!.jobId,
    made[11]!.jobId,
    made[10]!.jobId,
  ]);
});

Deno.test("list() refuses a malformed filter, and a page token given for another filter, with 400", () => {
  const { tenant } = fakeTenant();
  for (let i = 0; i < 5; i++) tenant.create(load("crm"));
  tenantError(() => tenant.list({ filter: "source = crm" }), 400, /Invalid filter.*unknown field/);
  tenantError(() => tenant.list({ filter: "status.state != " }), 400, /expected a value/);
  const f = 'configuration.load.source_id = "crm"';
  const first = tenant.list({ filter: f, pageSize: 2 });
  assert.ok(first.nextPageToken);
  tenantError(
    () =>
      tenant.list({ filter: "status.state != DONE", pageSize: 2, pageToken: first.nextPageToken }),
    400,
    /filter must be the same on every page/,
  );
  tenantError(
    () => tenant.list({ pageSize: 2, pageToken: first.nextPageToken }),
    400,
    /filter must be the same on every page/,
  );
  assert.equal(
    tenant.list({ filter: f, pageSize: 2, pageToken: first.nextPageToken }).jobs.length,
    2,
  );
});

Deno.test("refuseFilters answers 400 to any filter, and lists as before without one", () => {
  const { tenant } = fakeTenant({ refuseFilters: true });
  tenant.create(load("crm"));
  tenantError(
    () => tenant.list({ filter: "status.state != DONE" }),
    400,
    /filter is not supported/,
  );
  assert.equal(tenant.list({ filter: "" }).jobs.length, 1);
  assert.equal(tenant.list().jobs.length, 1);
});

Deno.test("clockOffsetMs shifts the tenant's times by its offset, ahead or behind", () => {
  for (const offset of [10 * MIN, -10 * MIN]) {
    const { tenant, clock } = fakeTenant({ clockOffsetMs: offset, pendingMs: 300 });
    assert.equal(tenant.now(), T0 + offset);
    const job = tenant.create(load("crm"));
    assert.equal(job.status.stateStartTime, iso(T0 + offset));
    clock.t += 1_000;
    assert.equal(tenant.get(job.jobId).statusHistory![1]!.stateStartTime, iso(T0 + offset + 300));
    // create_time() compares the tenant's own times.
    assert.equal(tenant.list({ filter: `create_time() >= "${iso(T0 + offset)}"` }).jobs.length, 1);
    assert.equal(tenant.list({ filter: `create_time() < "${iso(T0 + offset)}"` }).jobs.length, 0);
  }
});

Deno.test("listOrder started lists by start time: a long-PENDING job sits below older jobs that started", () => {
  const { tenant, clock } = fakeTenant({
    listOrder: "started",
    pendingMs: 20 * MIN,
    durations: { default: 60 * MIN },
  });
  const older = tenant.create(load("old")); // created at T0, starts at T0 + 20 min
  clock.t += 10 * MIN;
  const pending = tenant.create(load("new")); // created at T0 + 10 min, starts at T0 + 30 min
  clock.t += 15 * MIN; // T0 + 25 min: `older` runs, `pending` still waits
  const page = tenant.list();
  assert.deepEqual(ids(page.jobs), [older.jobId, pending.jobId]);
  // Pages follow the same order, the filter kept.
  const first = tenant.list({ pageSize: 1, filter: "status.state != DONE" });
  assert.deepEqual(ids(first.jobs), [older.jobId]);
  const second = tenant.list({
    pageSize: 1,
    filter: "status.state != DONE",
    pageToken: first.nextPageToken,
  });
  assert.deepEqual(ids(second.jobs), [pending.jobId]);
  assert.equal(second.nextPageToken, "");
  // Once it starts, it is the most recent start.
  clock.t += 10 * MIN;
  assert.deepEqual(ids(tenant.list().jobs), [pending.jobId, older.jobId]);
});

Deno.test("statusHistoryOrder newestFirst lists each job's statuses newest first", () => {
  const { tenant, clock } = fakeTenant({ statusHistoryOrder: "newestFirst", pendingMs: 300 });
  const job = tenant.create(load("crm"));
  clock.t += 5_000;
  const got = tenant.get(job.jobId);
  assert.deepEqual(got.statusHistory!.map((h) => h.state), ["DONE", "RUNNING", "PENDING"]);
  assert.equal(createdAt(got), T0);
  assert.deepEqual(tenant.list().jobs[0]!.statusHistory, got.statusHistory);
});

Deno.test("echoServerFields echoes configurations with a default, an empty field and a null one", () => {
  const { tenant } = fakeTenant({ echoServerFields: true });
  const job = tenant.create({ configuration: { update: { dataProductId: "dp" } } });
  const expected = {
    update: { dataProductId: "dp", priority: "NORMAL", description: "" },
    labels: null,
  };
  assert.deepEqual(job.configuration, expected);
  assert.deepEqual(tenant.get(job.jobId).configuration, expected);
  assert.deepEqual(tenant.creates()[0]!.configuration, expected);
  // The filter reads the configuration as it was created.
  assert.equal(
    tenant.list({ filter: 'configuration.update.data_product_id = "dp"' }).jobs.length,
    1,
  );
});

Deno.test("parseScenario() reads the new knobs and refuses wrong values, naming the field", () => {
  const s = parseScenario({
    clockOffsetMs: "-10m",
    refuseFilters: true,
    listOrder: "started",
    statusHistoryOrder: "newestFirst",
    echoServerFields: true,
  });
  assert.deepEqual(s, {
    clockOffsetMs: -600_000,
    refuseFilters: true,
    listOrder: "started",
    statusHistoryOrder: "newestFirst",
    echoServerFields: true,
  });
  assert.equal(parseScenario({ clockOffsetMs: "2h" }).clockOffsetMs, 7_200_000);
  assert.equal(parseScenario({ clockOffsetMs: -1500 }).clockOffsetMs, -1500);
  assert.equal(parseScenario({ clockOffsetMs: "0" }).clockOffsetMs, 0);
  for (
    const [bad, field] of [
      [{ clockOffsetMs: "soon" }, /clockOffsetMs.*"10m" or "-10m"/],
      [{ listOrder: "random" }, /listOrder/],
      [{ statusHistoryOrder: "shuffled" }, /statusHistoryOrder/],
      [{ refuseFilters: "yes" }, /refuseFilters/],
    ] as const
  ) {
    assert.throws(() => parseScenario(bad), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, field);
      return true;
    });
  }
});

// ---- over the in-process HTTP front, with the job client ------------------------------------

const KEY = "sim_key_for_tests";

function inProcess(scenario: Scenario) {
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

Deno.test("the client sends the same filter with every page, and the tenant lets through only its jobs", async () => {
  const { clock, sim, client } = inProcess({ jobLimit: 1000 });
  await clock.run(async () => {
    for (let i = 0; i < 70; i++) await client.createJob({ load: { sourceId: i % 2 ? "a" : "b" } });
    const filter = 'configuration.load.source_id = "a"';
    const got: Job[] = [];
    for await (const job of client.listJobs({ pageSize: 30, filter })) got.push(job);
    assert.equal(got.length, 35);
    assert.ok(
      got.every((j) => (j.configuration as { load: { sourceId: string } }).load.sourceId === "a"),
    );
  });
  const lists = sim.requests.filter((r) => r.method === "GET");
  assert.equal(lists.length, 2, "two pages");
  for (const r of lists) {
    assert.equal(new URLSearchParams(r.query).get("filter"), 'configuration.load.source_id = "a"');
  }
  assert.ok(new URLSearchParams(lists[1]!.query).get("pageToken"));
  await sim.close();
});

Deno.test("a malformed filter or a refused one is a 400 ApiError with Tamr's message", async () => {
  for (
    const [scenario, filter, message] of [
      [{}, "status.state ~ DONE", /Invalid filter/],
      [{ refuseFilters: true }, "status.state != DONE", /not supported/],
    ] as const
  ) {
    const { clock, sim, client } = inProcess(scenario);
    const error = await clock.run(async () => {
      try {
        for await (const _ of client.listJobs({ filter })) { /* nothing to list */ }
      } catch (e) {
        return e;
      }
      return undefined;
    });
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.tamrMessage ?? "", message);
    await sim.close();
  }
});

Deno.test("every answer carries a Date header by the tenant's clock, offset included", async () => {
  for (const offset of [0, 10 * MIN, -10 * MIN]) {
    const { clock, sim } = inProcess({ clockOffsetMs: offset });
    const response = await sim.fetch(`${sim.baseUrl}/api/v1beta1/jobs`, {
      headers: { "x-api-key": KEY },
    });
    await response.body?.cancel();
    const date = Date.parse(response.headers.get("date") ?? "");
    assert.equal(date, Math.floor((clock.now() + offset) / 1000) * 1000);
    const refused = await sim.fetch(`${sim.baseUrl}/api/v1beta1/jobs`);
    await refused.body?.cancel();
    assert.equal(refused.status, 401);
    assert.ok(refused.headers.get("date"), "errors carry it too");
    await sim.close();
  }
});
