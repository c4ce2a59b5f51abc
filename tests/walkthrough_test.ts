import assert from "node:assert/strict";
import type { Clock } from "../lib/kit/clock.ts";
import { JobFailedError, JobTimeoutError, UsageError } from "../lib/kit/errors.ts";
import type { Job, JobClient, JobConfiguration, JobError } from "../lib/kit/api/types.ts";
import {
  pollJob,
  refreshDataProduct,
  refreshOutput,
  refreshSearchIndex,
  refreshSource,
} from "../lib/kit/job/walkthrough.ts";

/** A clock whose sleeps return at once and advance `now`. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/**
 * A fake Tamr: each created job gets an id `job_<n>` and answers `states` in turn on getJob
 * (the last one repeating). Records every call.
 */
function fakeTamr(states: Array<string | JobError> = ["RUNNING", "DONE"]) {
  const created: { configuration: JobConfiguration; signal: AbortSignal | undefined }[] = [];
  const gets: string[] = [];
  const stops: string[] = [];
  const jobs = new Map<string, { configuration: JobConfiguration; polls: number }>();
  const client: JobClient = {
    createJob(configuration, options) {
      created.push({ configuration, signal: options?.signal });
      const jobId = `job_${created.length}`;
      jobs.set(jobId, { configuration, polls: 0 });
      return Promise.resolve({ jobId, configuration, status: { state: "PENDING" } });
    },
    getJob(jobId) {
      gets.push(jobId);
      const record = jobs.get(jobId);
      if (!record) return Promise.reject(new Error(`no job ${jobId}`));
      const step = states[Math.min(record.polls++, states.length - 1)]!;
      const status = typeof step === "string" ? { state: step } : { state: "DONE", error: step };
      return Promise.resolve<Job>({ jobId, configuration: record.configuration, status });
    },
    listJobs() {
      throw new Error("listJobs is not expected in walkthrough tests");
    },
    stopJob(jobId) {
      stops.push(jobId);
      return Promise.resolve();
    },
  };
  return { client, created, gets, stops };
}

Deno.test("refreshSource() creates a load job with the walkthrough's body and waits for it", async () => {
  const tamr = fakeTamr(["PENDING", "RUNNING", "DONE"]);
  const clock = fakeClock();
  const jobId = await refreshSource(tamr.client, "src_a", { clock });
  assert.equal(jobId, "job_1");
  assert.deepEqual(tamr.created.map((c) => c.configuration), [{ load: { sourceId: "src_a" } }]);
  assert.deepEqual(tamr.gets, ["job_1", "job_1", "job_1"]);
  assert.equal(clock.sleeps.length, 3);
});

Deno.test("refreshDataProduct() sends an update of the data product", async () => {
  const tamr = fakeTamr();
  await refreshDataProduct(tamr.client, "dp_xyz", { clock: fakeClock() });
  assert.deepEqual(tamr.created[0]?.configuration, { update: { dataProductId: "dp_xyz" } });
});

Deno.test("refreshSearchIndex() sends an update of the workflow", async () => {
  const tamr = fakeTamr();
  await refreshSearchIndex(tamr.client, "flow_xyz", { clock: fakeClock() });
  assert.deepEqual(tamr.created[0]?.configuration, { update: { workflowId: "flow_xyz" } });
});

Deno.test("refreshOutput() sends a publish with the destination and the data product", async () => {
  const tamr = fakeTamr();
  await refreshOutput(tamr.client, "dest_xyz", "dp_xyz", { clock: fakeClock() });
  assert.deepEqual(tamr.created[0]?.configuration, {
    publish: { destinationId: "dest_xyz", dataProductId: "dp_xyz" },
  });
});

Deno.test("the refresh functions with wait: false return the job id without polling", async () => {
  const tamr = fakeTamr();
  const clock = fakeClock();
  const ids = [
    await refreshSource(tamr.client, "src_a", { wait: false, clock }),
    await refreshDataProduct(tamr.client, "dp_xyz", { wait: false, clock }),
    await refreshSearchIndex(tamr.client, "flow_xyz", { wait: false, clock }),
    await refreshOutput(tamr.client, "dest_xyz", "dp_xyz", { wait: false, clock }),
  ];
  assert.deepEqual(ids, ["job_1", "job_2", "job_3", "job_4"]);
  assert.equal(tamr.gets.length, 0);
  assert.equal(clock.sleeps.length, 0);
});

Deno.test("the refresh functions pass the abort signal to the create request", async () => {
  const tamr = fakeTamr();
  const controller = new AbortController();
  await refreshSource(tamr.client, "src_a", { wait: false, signal: controller.signal });
  assert.equal(tamr.created[0]?.signal, controller.signal);
});

Deno.test("refreshSource() throws JobFailedError naming the job when the load job fails", async () => {
  const tamr = fakeTamr(["RUNNING", { reason: "PLANNING_FAILED", message: "Bad source." }]);
  await assert.rejects(
    refreshSource(tamr.client, "src_a", { clock: fakeClock() }),
    (error: unknown) =>
      error instanceof JobFailedError && error.jobId === "job_1" &&
      error.reason === "PLANNING_FAILED" && error.tamrMessage === "Bad source.",
  );
});

Deno.test("the refresh functions refuse an empty ID before creating anything", async () => {
  const tamr = fakeTamr();
  await assert.rejects(refreshSource(tamr.client, ""), UsageError);
  await assert.rejects(refreshDataProduct(tamr.client, "  "), /data product ID/);
  await assert.rejects(refreshSearchIndex(tamr.client, ""), /workflow ID/);
  await assert.rejects(
    refreshOutput(tamr.client, "dest_xyz", ""),
    /refreshOutput\(\).*data product ID/,
  );
  assert.equal(tamr.created.length, 0);
});

Deno.test("pollJob() resolves with nothing on success, like poll_job", async () => {
  const tamr = fakeTamr();
  const { jobId } = await tamr.client.createJob({ load: { sourceId: "s" } });
  const result = await pollJob(tamr.client, jobId, { clock: fakeClock() });
  assert.equal(result, undefined);
  assert.deepEqual(tamr.gets, [jobId, jobId]);
});

Deno.test("pollJob() stops a job past its timeout and throws JobTimeoutError", async () => {
  const tamr = fakeTamr(["RUNNING"]);
  const { jobId } = await tamr.client.createJob({ load: { sourceId: "s" } });
  await assert.rejects(
    pollJob(tamr.client, jobId, { clock: fakeClock(), timeoutMs: 10_000, stopGraceMs: 5_000 }),
    JobTimeoutError,
  );
  assert.deepEqual(tamr.stops, [jobId]);
});
