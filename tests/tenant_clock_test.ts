import assert from "node:assert/strict";
import type { Job } from "../lib/kit/api/types.ts";
import { createdAt, lastChangedAt } from "../lib/kit/job/job_times.ts";
import { ASSUMED_SKEW_MS, TenantClock } from "../lib/kit/job/tenant_clock.ts";

const T0 = Date.UTC(2026, 0, 1, 12);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function jobAt(created: number, ...later: [string, number][]): Job {
  const history = [
    { state: "PENDING", stateStartTime: iso(created) },
    ...later.map(([state, t]) => ({
      state,
      stateStartTime: iso(t),
    })),
  ];
  const last = history[history.length - 1]!;
  return {
    jobId: "job_1",
    configuration: { load: { sourceId: "s1" } },
    status: { state: last.state, stateStartTime: last.stateStartTime },
    statusHistory: history,
  };
}

Deno.test("createdAt() is the earliest stateStartTime, whatever the order of statusHistory", () => {
  const job = jobAt(T0, ["RUNNING", T0 + MIN], ["DONE", T0 + 5 * MIN]);
  assert.equal(createdAt(job), T0);
  assert.equal(lastChangedAt(job), T0 + 5 * MIN);
  const newestFirst = { ...job, statusHistory: [...job.statusHistory!].reverse() };
  assert.equal(createdAt(newestFirst), T0);
  assert.equal(lastChangedAt(newestFirst), T0 + 5 * MIN);
  const shuffled = { ...job, statusHistory: [job.statusHistory![1]!, job.statusHistory![0]!] };
  assert.equal(createdAt(shuffled), T0);
});

Deno.test("createdAt() reads the status when there is no history, skips unparsable times, null when none", () => {
  const bare: Job = {
    jobId: "j",
    configuration: { load: { sourceId: "s1" } },
    status: { state: "PENDING", stateStartTime: iso(T0) },
  };
  assert.equal(createdAt(bare), T0);
  const odd = { ...bare, statusHistory: [{ state: "PENDING", stateStartTime: "soon" }] };
  assert.equal(createdAt(odd), T0);
  const none: Job = { ...bare, status: { state: "PENDING" } };
  assert.equal(createdAt(none), null);
  assert.equal(lastChangedAt(none), null);
});

Deno.test("TenantClock without evidence assumes the clocks agree within ASSUMED_SKEW_MS", () => {
  const clock = new TenantClock(() => T0);
  assert.deepEqual(clock.offset(), { lo: -Infinity, hi: Infinity });
  assert.equal(clock.earliest(T0), T0 - ASSUMED_SKEW_MS);
});

Deno.test("TenantClock reads the Date header: the tenant's second, between sending and receiving", () => {
  let now = T0;
  const clock = new TenantClock(() => now);
  // Ten minutes behind, answered within 300 ms; the header has whole seconds.
  const tenant = T0 + 150 - 10 * MIN;
  clock.noteDate(T0, T0 + 300, new Date(tenant).toUTCString());
  now = T0 + 300;
  const { lo, hi } = clock.offset();
  assert.ok(lo <= -10 * MIN && -10 * MIN <= hi, `${lo}..${hi}`);
  assert.ok(hi - lo <= 1_300, "within a second and the round trip");
  assert.ok(clock.earliest(T0) <= T0 - 10 * MIN && clock.earliest(T0) >= T0 - 10 * MIN - 1_300);
  // No header, or a bad one, teaches nothing.
  clock.noteDate(T0, T0 + 1, null);
  clock.noteDate(T0, T0 + 1, "yesterday");
  assert.deepEqual(clock.offset(), { lo, hi });
});

Deno.test("TenantClock narrows by a created job (both sides) and by jobs seen (a lower bound)", () => {
  const clock = new TenantClock(() => T0);
  const ahead = 10 * MIN;
  // A create sent at T0, answered at T0 + 200; the tenant stamped it at our T0 + 120.
  clock.noteCreated(T0, T0 + 200, jobAt(T0 + 120 + ahead));
  assert.deepEqual(clock.offset(), { lo: ahead - 80, hi: ahead + 120 });
  assert.equal(clock.earliest(T0), T0 + ahead - 80);
  // A job seen at T0 + 1000 that changed at our T0 + 900: the tenant was at least that far.
  clock.noteSeen(jobAt(T0, ["RUNNING", T0 + 900 + ahead]), T0 + 1_000);
  assert.deepEqual(clock.offset(), { lo: ahead - 80, hi: ahead + 120 });
  clock.noteSeen(jobAt(T0, ["RUNNING", T0 + 1_000 + ahead - 50]), T0 + 1_000);
  assert.deepEqual(clock.offset(), { lo: ahead - 50, hi: ahead + 120 });
});

Deno.test("TenantClock: a lower bound alone says the tenant is ahead, never that it is behind", () => {
  const behind = new TenantClock(() => T0);
  behind.noteSeen(jobAt(T0 - 30 * MIN), T0); // an old job: the tenant may be anywhere
  assert.equal(behind.earliest(T0), T0 - ASSUMED_SKEW_MS);
  const ahead = new TenantClock(() => T0);
  ahead.noteSeen(jobAt(T0 + 10 * MIN), T0);
  assert.equal(ahead.earliest(T0), T0 + 10 * MIN);
});

Deno.test("TenantClock: evidence that contradicts the range replaces it (a clock was set)", () => {
  const clock = new TenantClock(() => T0);
  clock.noteCreated(T0, T0 + 100, jobAt(T0 + 50));
  assert.deepEqual(clock.offset(), { lo: -50, hi: 50 });
  clock.noteCreated(T0 + 1_000, T0 + 1_100, jobAt(T0 + 1_050 + 5 * MIN));
  assert.deepEqual(clock.offset(), { lo: 5 * MIN - 50, hi: 5 * MIN + 50 });
});

Deno.test("TenantClock: when the Date header and the jobs' times disagree, the jobs' times win", () => {
  const clock = new TenantClock(() => T0);
  clock.noteDate(T0, T0 + 100, new Date(T0).toUTCString()); // the front says: in step
  clock.noteCreated(T0, T0 + 100, jobAt(T0 + 50 - 10 * MIN)); // the jobs say: 10 min behind
  assert.deepEqual(clock.offset(), { lo: -10 * MIN - 50, hi: -10 * MIN + 50 });
});

Deno.test("TenantClock.watch() notes the Date header of every answer and passes it on untouched", async () => {
  let now = T0;
  const clock = new TenantClock(() => now);
  const fetch = clock.watch((_input, _init) => {
    now += 40;
    return Promise.resolve(
      new Response("{}", { headers: { date: new Date(now + 3 * MIN).toUTCString() } }),
    );
  });
  const response = await fetch("http://127.0.0.1:9/x");
  assert.equal(await response.text(), "{}");
  const { lo, hi } = clock.offset();
  assert.ok(lo <= 3 * MIN && 3 * MIN <= hi && hi - lo < 1_100, `${lo}..${hi}`);
});
