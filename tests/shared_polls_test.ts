/**
 * Polls shared between waits (`sharedPolls`), against the simulated tenant on virtual time: one
 * list by `job_id` answers for every job waited on, news of a job ends its wait early, and every
 * way the list can go wrong costs a GET, never a wait.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import type { Job, JobClient, ListJobsOptions } from "../lib/kit/api/types.ts";
import { JobFailedError } from "../lib/kit/errors.ts";
import { waitForJob } from "../lib/kit/job/poller.ts";
import {
  SHARED_POLL_JOBS,
  SHARED_POLL_PATIENCE_MS,
  SHARED_POLL_REST_MS,
  sharedPolls,
} from "../lib/kit/job/shared_polls.ts";
import { NOT_YET_VISIBLE_MS, type WaitOptions } from "../lib/kit/job/wait_options.ts";
import { createInProcessTenant, type InProcessTenant } from "../lib/sim/in_process.ts";
import type { Fault, Scenario } from "../lib/sim/scenario.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function tenantOf(scenario: Scenario) {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario, apiKey: "k", clock });
  const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: "k", fetch: sim.fetch, clock });
  return { sim, client, clock };
}

const gets = (sim: InProcessTenant, jobId?: string) =>
  sim.requests.filter((r) =>
    r.method === "GET" && /\/jobs\/[^/]+$/.test(r.path) && (!jobId || r.path.endsWith(jobId))
  );
const lists = (sim: InProcessTenant) =>
  sim.requests.filter((r) => r.method === "GET" && r.path.endsWith("/jobs"));
const askedIn = (query: string) =>
  [...(new URLSearchParams(query).get("filter") ?? "").matchAll(/job_id = "([^"]+)"/g)].map((m) =>
    m[1]!
  );

/** Creates one job per source and waits for them all; returns when each wait ended. */
async function waitAll(
  client: JobClient,
  clock: VirtualClock,
  sources: string[],
  options: (i: number) => WaitOptions,
): Promise<{ ids: string[]; endedAt: number[]; results: PromiseSettledResult<Job>[] }> {
  const ids: string[] = [];
  for (const s of sources) ids.push((await client.createJob({ load: { sourceId: s } })).jobId);
  const endedAt: number[] = [];
  const results = await Promise.allSettled(ids.map(async (id, i) => {
    try {
      return await waitForJob(client, id, { clock, justCreated: true, ...options(i) });
    } finally {
      endedAt[i] = clock.now();
    }
  }));
  return { ids, endedAt, results };
}

const durations = { "load:a": 3 * MINUTE, "load:b": 5 * MINUTE, "load:c": 7 * MINUTE };

/** Waits for `sources`' jobs with shared polls on a tenant whose answers meet `faults`; all succeed. */
async function sharedWithFaults(faults: Fault[], sources = ["a", "b", "c"]) {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations, faults });
  const shared = sharedPolls(client, { clock });
  const run = await clock.run(() => waitAll(client, clock, sources, () => ({ shared })));
  for (const r of run.results) assert.equal(r.status, "fulfilled");
  return { sim, shared };
}

Deno.test("one list by job_id answers for every job waited on together: fewer requests than alone", async () => {
  const polled = async (share: boolean) => {
    const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
    const shared = share ? sharedPolls(client, { clock }) : undefined;
    const t0 = clock.now();
    const run = await clock.run(() => waitAll(client, clock, ["a", "b", "c"], () => ({ shared })));
    for (const r of run.results) assert.equal(r.status, "fulfilled");
    const out = {
      gets: gets(sim).map((r) => r.path),
      lists: lists(sim),
      ended: run.endedAt.map((t) => t - t0),
      ids: run.ids,
    };
    await sim.close();
    return out;
  };
  const alone = await polled(false);
  const together = await polled(true);
  assert.equal(alone.lists.length, 0);
  // a and b: one GET each, to read how they ended; once both have, c is waited on alone: GETs.
  const getsOf = (id: string) => together.gets.filter((p) => p.endsWith(id)).length;
  assert.equal(getsOf(together.ids[0]!), 1);
  assert.equal(getsOf(together.ids[1]!), 1);
  for (const l of together.lists) {
    const asked = askedIn(l.query);
    assert.ok(asked.length >= 2 && asked.length <= 3, l.query);
    for (const id of asked) {
      assert.ok(together.ids.includes(id), `asked only for waited jobs: ${id}`);
    }
  }
  assert.ok(
    together.lists.length + together.gets.length < alone.gets.length * 0.7,
    `shared ${together.lists.length} requests, alone ${alone.gets.length}`,
  );
  // The jobs end at 3, 5 and 7 minutes: each is seen within the cap of 30 s, shared or not.
  for (const [i, d] of [3, 5, 7].entries()) {
    assert.ok(together.ended[i]! >= d * MINUTE && together.ended[i]! <= d * MINUTE + 30 * SECOND);
  }
});

Deno.test("a job seen DONE in another wait's poll ends its own wait then, not at its next poll", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  const shared = sharedPolls(client, { clock });
  const t0 = clock.now();
  // a polls every 2 minutes (and ends at 3 min), c every second (and ends at 7 min).
  const run = await clock.run(() =>
    waitAll(
      client,
      clock,
      ["a", "c"],
      (i) =>
        i === 0
          ? { shared, firstIntervalMs: 2 * MINUTE, maxIntervalMs: 2 * MINUTE }
          : { shared, firstIntervalMs: SECOND, maxIntervalMs: SECOND, backoff: 1 },
    )
  );
  const aEnded = run.endedAt[0]! - t0;
  assert.ok(aEnded >= 3 * MINUTE && aEnded <= 3 * MINUTE + SECOND, `a's wait ended at ${aEnded}`);
  const own = gets(sim, run.ids[0]);
  assert.equal(own.length, 1, "a's one request of its own reads how it ended");
  assert.equal(own[0]!.time - t0, aEnded);
  await sim.close();
});

Deno.test("a job that failed, seen in another wait's poll, fails its wait with Tamr's reason", async () => {
  const { sim, client, clock } = tenantOf({
    pendingMs: 0,
    durations,
    failures: { "load:a": { reason: "PLANNING_FAILED", message: "Simulated." } },
  });
  const shared = sharedPolls(client, { clock });
  const run = await clock.run(() =>
    waitAll(
      client,
      clock,
      ["a", "b"],
      (i) =>
        i === 0
          ? { shared, firstIntervalMs: 2 * MINUTE, maxIntervalMs: 2 * MINUTE }
          : { shared, firstIntervalMs: SECOND, maxIntervalMs: SECOND, backoff: 1 },
    )
  );
  const [a, b] = run.results;
  assert.equal(a!.status, "rejected");
  assert.ok(a!.status === "rejected" && a!.reason instanceof JobFailedError);
  assert.equal((a!.reason as JobFailedError).reason, "PLANNING_FAILED");
  assert.equal(b!.status, "fulfilled");
  await sim.close();
});

/** The client with its list changed by `list` (a tenant that answers lists its own way). */
function withList(
  client: JobClient,
  list: (options: ListJobsOptions) => AsyncIterable<Job>,
): JobClient {
  return {
    createJob: (c, o) => client.createJob(c, o),
    getJob: (id, o) => client.getJob(id, o),
    stopJob: (id, o) => client.stopJob(id, o),
    listJobs: (o) => list(o ?? {}),
  };
}

Deno.test("a tenant that ignores the filter: lists stop after the first, polls are GETs", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  // Another job on the tenant shows up in an unfiltered list.
  await clock.run(() => client.createJob({ load: { sourceId: "other" } }));
  const unfiltered = withList(client, (o) => client.listJobs({ ...o, filter: undefined }));
  const shared = sharedPolls(unfiltered, { clock });
  const run = await clock.run(() => waitAll(unfiltered, clock, ["a", "b"], () => ({ shared })));
  for (const r of run.results) assert.equal(r.status, "fulfilled");
  assert.equal(lists(sim).length, 1, "one list, then none");
  assert.equal(shared.listing, false);
  assert.ok(gets(sim).length > 4, "the polls went on as GETs");
  await sim.close();
});

Deno.test("a tenant that refuses the filter (400): lists stop, polls are GETs, the waits end", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations, refuseFilters: true });
  const shared = sharedPolls(client, { clock });
  const run = await clock.run(() => waitAll(client, clock, ["a", "b"], () => ({ shared })));
  for (const r of run.results) assert.equal(r.status, "fulfilled");
  assert.equal(lists(sim).length, 1);
  assert.equal(lists(sim)[0]!.status, 400);
  assert.equal(shared.listing, false);
  await sim.close();
});

Deno.test("no list is sent once a search found the tenant refuses filters", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  const shared = sharedPolls(client, { clock, filtersRefused: () => true });
  await clock.run(() => waitAll(client, clock, ["a", "b"], () => ({ shared })));
  assert.equal(lists(sim).length, 0);
  await sim.close();
});

Deno.test("a list that fails is not retried: the poll is a GET at once, and lists rest a minute", async () => {
  const { sim, shared } = await sharedWithFaults([{
    kind: "status",
    status: 503,
    path: "list",
    times: 1,
  }], ["a", "b"]);
  const all = lists(sim);
  assert.equal(all[0]!.status, 503);
  assert.equal(all[1]!.status, 200, "the failed list was not tried again as a list");
  const getAfter = sim.requests[sim.requests.indexOf(all[0]!) + 1]!;
  assert.match(getAfter.path, /\/jobs\/[^/]+$/, "a GET made the poll at once");
  assert.equal(getAfter.time, all[0]!.time);
  assert.ok(all[1]!.time - all[0]!.time >= SHARED_POLL_REST_MS, "lists rested for a minute");
  assert.equal(shared.listing, true, "a failure is not a refusal");
  await sim.close();
});

Deno.test("a job the list leaves out is read with a GET, and after two misses past 30 s never asked for again", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  let hidden = "";
  const hiding = withList(client, async function* (o) {
    for await (const job of client.listJobs(o)) if (job.jobId !== hidden) yield job;
  });
  const shared = sharedPolls(hiding, { clock });
  const run = await clock.run(async () => {
    hidden = (await client.createJob({ load: { sourceId: "c" } })).jobId;
    const other = (await client.createJob({ load: { sourceId: "a" } })).jobId;
    return await Promise.all(
      [hidden, other].map((id) => waitForJob(hiding, id, { clock, shared })),
    );
  });
  assert.equal(run[0]!.status.state, "DONE");
  // Left out in its first 30 s it may just not be listed yet; past them, twice at most.
  const created = sim.requests.find((r) => r.method === "POST")!.time;
  const late = lists(sim).filter((l) => l.time >= created + NOT_YET_VISIBLE_MS);
  assert.ok(late.length >= 2);
  assert.equal(late.filter((l) => askedIn(l.query).includes(hidden)).length, 2);
  assert.ok(gets(sim, hidden).length >= 1, "read with a GET");
  await sim.close();
});

Deno.test("a list that leaves out status.error: a failure after a success is still a failure", async () => {
  // a succeeds first (its end says nothing of errors), then b fails while c still runs.
  const { sim, client, clock } = tenantOf({
    pendingMs: 0,
    durations,
    failures: { "load:b": { reason: "PLANNING_FAILED", message: "Simulated." } },
  });
  const errorless = withList(client, async function* (o) {
    for await (const job of client.listJobs(o)) {
      yield { ...job, status: { state: job.status.state } } as Job;
    }
  });
  const shared = sharedPolls(errorless, { clock });
  const run = await clock.run(() => waitAll(errorless, clock, ["a", "b", "c"], () => ({ shared })));
  const [a, b, c] = run.results;
  assert.equal(a!.status, "fulfilled");
  assert.ok(b!.status === "rejected" && b!.reason instanceof JobFailedError, "b failed");
  assert.equal((b!.reason as JobFailedError).reason, "PLANNING_FAILED");
  assert.equal(c!.status, "fulfilled");
  await sim.close();
});

Deno.test("a list that leaves out statusHistory: a finished job is read whole with a GET", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  const bare = withList(client, async function* (o) {
    for await (const job of client.listJobs(o)) {
      const { statusHistory: _, ...rest } = job;
      yield rest as Job;
    }
  });
  const shared = sharedPolls(bare, { clock });
  const run = await clock.run(() => waitAll(bare, clock, ["a", "b", "c"], () => ({ shared })));
  for (const r of run.results) {
    assert.ok(r.status === "fulfilled" && Array.isArray(r.value.statusHistory), "read whole");
  }
  await sim.close();
});

Deno.test("a lone wait polls with GET; with more than 30 waits a list asks for 30 at most", async () => {
  const { sim, client, clock } = tenantOf({
    pendingMs: 0,
    durations: { default: 2 * MINUTE },
    jobLimit: 50,
  });
  const shared = sharedPolls(client, { clock });
  await clock.run(() => waitAll(client, clock, ["solo"], () => ({ shared })));
  assert.equal(lists(sim).length, 0);
  assert.ok(gets(sim).length > 0);
  const many = Array.from({ length: 40 }, (_, i) => `s${i}`);
  await clock.run(() => waitAll(client, clock, many, () => ({ shared })));
  const sizes = lists(sim).map((l) => askedIn(l.query).length);
  assert.ok(sizes.length > 0);
  assert.equal(Math.max(...sizes), SHARED_POLL_JOBS);
  await sim.close();
});

Deno.test("an abort ends a wait between shared polls with the signal's reason; the others go on", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  const shared = sharedPolls(client, { clock });
  const controller = new AbortController();
  const run = await clock.run(async () => {
    const waiting = waitAll(client, clock, ["a", "b"], (i) => ({
      shared,
      ...(i === 1 ? { signal: controller.signal } : {}),
    }));
    await clock.sleep(MINUTE);
    controller.abort(new Error("stop here"));
    return await waiting;
  });
  assert.equal(run.results[0]!.status, "fulfilled");
  const b = run.results[1]!;
  assert.ok(b.status === "rejected" && /stop here/.test(String(b.reason)));
  const afterAbort = lists(sim).filter((l) => l.time > run.endedAt[1]!);
  for (const l of afterAbort) {
    assert.ok(!askedIn(l.query).includes(run.ids[1]!), "b is not asked for");
  }
  await sim.close();
});

Deno.test("polls due while a list that asks for their jobs is out wait for its answer: one list, not one each", async () => {
  const { sim, client, clock } = tenantOf({ pendingMs: 0, durations });
  // A list that takes 2 s to answer: the other wait's poll comes due while it is out.
  const slow = withList(client, async function* (o) {
    await clock.sleep(2 * SECOND);
    yield* client.listJobs(o);
  });
  const shared = sharedPolls(slow, { clock });
  const every10s = { shared, firstIntervalMs: 10 * SECOND, maxIntervalMs: 10 * SECOND, backoff: 1 };
  const run = await clock.run(() => waitAll(slow, clock, ["a", "b", "c"], () => every10s));
  for (const r of run.results) assert.equal(r.status, "fulfilled");
  const sent = lists(sim).map((l) => l.time);
  // The list is sent 2 s after it is asked for: two lists never start within 2 s of each other.
  for (let i = 1; i < sent.length; i++) {
    assert.ok(sent[i]! - sent[i - 1]! >= 2 * SECOND, `lists at ${sent.join(", ")}`);
  }
  // a ends at 3 minutes: about one list every 10 s until then, not three.
  assert.ok(sent.filter((t) => t - sent[0]! < 3 * MINUTE).length <= 20, `${sent.length} lists`);
  await sim.close();
});

Deno.test("a list page that cannot be read rests lists for a minute; a second time, lists stop", async () => {
  const { sim, shared } = await sharedWithFaults([{ kind: "malformed", path: "list", times: 2 }]);
  const all = lists(sim);
  assert.equal(all.length, 2, "the cut page, a minute's rest, the second cut page, then none");
  assert.ok(all[1]!.time - all[0]!.time >= SHARED_POLL_REST_MS);
  assert.equal(shared.listing, false);
  await sim.close();
});

Deno.test("a list that hangs is given up on after 5 s: the polls are GETs, lists rest a minute", async () => {
  const { sim, shared } = await sharedWithFaults([{ kind: "hang", path: "list", times: 1 }]);
  const hung = lists(sim)[0]!;
  const after = sim.requests.filter((r) => r.time > hung.time);
  // Every wait whose poll waited for the hung list makes it as a GET once it was given up on.
  const firstGet = after.find((r) => /\/jobs\/[^/]+$/.test(r.path))!;
  assert.equal(firstGet.time - hung.time, SHARED_POLL_PATIENCE_MS);
  const nextList = lists(sim)[1]!;
  assert.ok(nextList.time - hung.time >= SHARED_POLL_PATIENCE_MS + SHARED_POLL_REST_MS);
  assert.equal(shared.listing, true, "a slow list is not a refusal");
  await sim.close();
});
