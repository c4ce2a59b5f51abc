import assert from "node:assert/strict";
import { stopAndConfirm } from "../lib/kit/job/stop.ts";
import { waitForJob } from "../lib/kit/job/poller.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { ApiError, InterruptedError } from "../lib/kit/errors.ts";
import type { Clock } from "../lib/kit/clock.ts";
import type { Job, JobClient, JobError, RequestOptions } from "../lib/kit/api/types.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";

/** A clock whose sleeps take no real time: they move `now` on. */
function fakeClock(): Clock & { slept: number[] } {
  let now = Date.UTC(2026, 0, 1, 12);
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

const job = (jobId: string, state: string, error?: JobError): Job => ({
  jobId,
  configuration: { load: { sourceId: "s1" } },
  status: { state, ...(error ? { error } : {}) },
});

/** A client whose jobs end as `endings` says once stopped, after `pollsToDone` polls. */
function stoppingClient(
  ending: JobError | null,
  pollsToDone = 2,
): JobClient & { stops: string[] } {
  const stops: string[] = [];
  let polls = 0;
  return {
    stops,
    createJob: () => Promise.reject(new Error("not used")),
    listJobs: async function* () {},
    stopJob(jobId) {
      stops.push(jobId);
      return Promise.resolve();
    },
    getJob(jobId) {
      if (stops.length === 0) return Promise.resolve(job(jobId, "RUNNING"));
      polls++;
      if (polls < pollsToDone) return Promise.resolve(job(jobId, "STOPPING"));
      return Promise.resolve(job(jobId, "DONE", ending ?? undefined));
    },
  };
}

Deno.test("stopAndConfirm() asks Tamr to stop the job and polls until DONE", async () => {
  const client = stoppingClient({ reason: "STOPPED_BY_USER", message: "Stopped." }, 3);
  const result = await stopAndConfirm(client, "job_1", { clock: fakeClock() });
  assert.deepEqual(client.stops, ["job_1"]);
  assert.ok(result.confirmed);
  assert.equal(result.job.status.error?.reason, "STOPPED_BY_USER");
});

Deno.test("stopAndConfirm() says why when the stop is refused, and never throws for the API", async () => {
  const client = stoppingClient(null);
  client.stopJob = () =>
    Promise.reject(new ApiError({ status: 409, method: "POST", path: "/jobs/job_1:stop" }));
  const result = await stopAndConfirm(client, "job_1", { clock: fakeClock() });
  assert.equal(result.confirmed, false);
  assert.match(!result.confirmed ? result.why : "", /409/);
});

Deno.test("stopAndConfirm() gives up once its grace runs out, polling no slower than 5 s", async () => {
  const client = stoppingClient(null, Number.POSITIVE_INFINITY);
  const clock = fakeClock();
  const result = await stopAndConfirm(client, "job_1", { clock, graceMs: 60_000 });
  assert.equal(result.confirmed, false);
  assert.ok(Math.max(...clock.slept) <= 5_000, `waits: ${clock.slept}`);
  assert.equal(clock.slept.reduce((a, b) => a + b, 0), 60_000);
});

Deno.test("a job that reaches DONE without an error after a stop at the deadline succeeded", async () => {
  const client = stoppingClient(null);
  const done = await waitForJob(client, "job_1", {
    clock: fakeClock(),
    timeoutMs: 10_000,
    maxIntervalMs: 2_000,
  });
  assert.deepEqual(client.stops, ["job_1"]);
  assert.equal(done.status.state, "DONE");
});

Deno.test("on an interrupt the runner stops its jobs with the same stop, and a job that then succeeds is reported succeeded", async () => {
  const clock = fakeClock();
  const client = stoppingClient(null);
  client.createJob = (configuration) =>
    Promise.resolve({ ...job("job_1", "RUNNING"), configuration });
  const controller = new AbortController();
  const events: RunEvent[] = [];
  const result = await runPipeline({
    client,
    plan: buildPlan({ sources: ["s1"], dataProduct: "dp" }),
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    clock,
    signal: controller.signal,
    emit: (e) => {
      events.push(e);
      if (e.type === "step" && e.state === "running") {
        controller.abort(new InterruptedError("SIGTERM"));
      }
    },
  });
  assert.deepEqual(client.stops, ["job_1"]);
  assert.equal(result.exitCode, 143);
  assert.equal(result.steps[0]!.outcome, "succeeded");
  assert.equal(result.steps[1]!.outcome, "not_started");
});

Deno.test("retry events name the step whose request is retried", async () => {
  const clock = fakeClock();
  let gets = 0;
  const client: JobClient = {
    createJob: (configuration) => Promise.resolve({ ...job("job_1", "PENDING"), configuration }),
    listJobs: async function* () {},
    stopJob: () => Promise.resolve(),
    getJob(jobId, options?: RequestOptions) {
      if (gets++ === 0) {
        options?.onRetry?.({
          method: "GET",
          path: `/api/v1beta1/jobs/${jobId}`,
          status: 503,
          attempt: 1,
          delayMs: 100,
          reason: "answered 503",
        });
      }
      return Promise.resolve(job(jobId, "DONE"));
    },
  };
  const events: RunEvent[] = [];
  await runPipeline({
    client,
    plan: buildPlan({ sources: ["s1"], dataProduct: "dp" }),
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    clock,
    emit: (e) => events.push(e),
  });
  const retries = events.filter((e) => e.type === "retry");
  assert.equal(retries.length, 1);
  assert.equal(retries[0]!.type === "retry" && retries[0]!.step, "load:s1");
});

Deno.test("an unexpected error in a step stops its job before the run ends (exit 1)", async () => {
  const clock = fakeClock();
  const client = stoppingClient({ reason: "STOPPED_BY_USER", message: "Stopped." });
  client.createJob = (configuration) =>
    Promise.resolve({ ...job("job_1", "RUNNING"), configuration });
  const getJob = client.getJob;
  let polls = 0;
  client.getJob = (jobId, options) => {
    if (polls++ === 0) return Promise.reject(new TypeError("a bug in reading the answer"));
    return getJob(jobId, options);
  };
  const result = await runPipeline({
    client,
    plan: buildPlan({ sources: ["s1"], dataProduct: "dp" }),
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    clock,
  });
  assert.deepEqual(client.stops, ["job_1"]);
  assert.equal(result.exitCode, 1);
  assert.equal(result.steps[0]!.outcome, "stopped");
  assert.match(result.message, /a bug in reading the answer/);
});
