import assert from "node:assert/strict";
import type { Clock } from "../lib/kit/clock.ts";
import { ApiError, JobFailedError, JobTimeoutError } from "../lib/kit/errors.ts";
import {
  NOT_YET_VISIBLE_MS,
  pollSchedule,
  type PollScheduleOptions,
  waitForJob,
  type WaitOptions,
} from "../lib/kit/job/poller.ts";
import { stopAndConfirm } from "../lib/kit/job/stop.ts";
import type {
  GetJobOptions,
  Job,
  JobClient,
  JobConfiguration,
  JobError,
} from "../lib/kit/api/types.ts";

// ---- fakes -------------------------------------------------------------------------------------

/** A clock whose sleeps return at once, advance `now` and are recorded. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps, start, elapsed: () => now - start };
}

const CONFIG: JobConfiguration = { load: { sourceId: "src_1" } };

function job(state: string, error?: JobError): Job {
  return { jobId: "job_1", configuration: CONFIG, status: error ? { state, error } : { state } };
}

interface Script {
  /** The job to answer the n-th getJob (0-based) with, given whether stop was asked and when. */
  (poll: number, info: { stopped: boolean; elapsedMs: number }): Job;
}

/** A JobClient answering getJob from a script and recording every call. */
function scriptedClient(script: Script, elapsed: () => number) {
  const calls = { get: [] as number[], stop: [] as string[], create: [] as JobConfiguration[] };
  let stopped = false;
  const client: JobClient = {
    createJob(configuration) {
      calls.create.push(configuration);
      return Promise.resolve({ ...job("PENDING"), configuration });
    },
    getJob(jobId) {
      assert.equal(jobId, "job_1");
      const n = calls.get.length;
      calls.get.push(elapsed());
      return Promise.resolve(script(n, { stopped, elapsedMs: elapsed() }));
    },
    listJobs() {
      throw new Error("listJobs is not expected in poller tests");
    },
    stopJob(jobId) {
      calls.stop.push(jobId);
      stopped = true;
      return Promise.resolve();
    },
  };
  return { client, calls };
}

const plain = { firstIntervalMs: 1_000, maxIntervalMs: 30_000, backoff: 1.5 };

// ---- pollSchedule ------------------------------------------------------------------------------

Deno.test("pollSchedule() starts at a second, grows by the backoff and is capped at maxInterval", () => {
  const delays = Array.from(
    { length: 14 },
    (_, polls) => pollSchedule({ polls, elapsedMs: 0 }, plain),
  );
  assert.deepEqual(delays.slice(0, 5), [1000, 1500, 2250, 3375, 5062.5]);
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!);
  assert.equal(delays.at(-1), 30_000);
  assert.ok(delays.every((d) => d <= 30_000));
  // Far on it stays at the cap (no overflow to Infinity or NaN).
  assert.equal(pollSchedule({ polls: 5000, elapsedMs: 0 }, plain), 30_000);
});

Deno.test("pollSchedule() never waits longer than a maxInterval shorter than the first interval", () => {
  const short = { ...plain, maxIntervalMs: 400 };
  assert.equal(pollSchedule({ polls: 0, elapsedMs: 0 }, short), 400);
  assert.equal(pollSchedule({ polls: 9, elapsedMs: 0 }, short), 400);
});

/** The poll times of a wait that never ends, up to `untilMs`. */
function pollTimes(options: PollScheduleOptions, untilMs: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (let polls = 0; t < untilMs; polls++) {
    const wait = pollSchedule({ polls, elapsedMs: t }, options);
    assert.ok(wait > 0 && wait <= options.maxIntervalMs, `a wait of ${wait}ms at ${t}ms`);
    t += wait;
    times.push(t);
  }
  return times;
}

const gaps = (times: number[]) => times.map((t, i) => t - (times[i - 1] ?? 0));

Deno.test("pollSchedule() with a spread polls maxInterval apart until the likely end, crowds across it and backs off past it", () => {
  // Nine earlier runs of 4.6 to 5.4 minutes.
  const expected = { medianMs: 300_000, p10Ms: 276_000, p90Ms: 324_000, samples: 9 };
  const options = { ...plain, expected };
  const times = pollTimes(options, 600_000);
  const before = times.filter((t) => t <= 250_000);
  assert.ok(gaps(before).every((g) => g === 30_000), `before: ${before}`);
  const around = times.filter((t) => t > 260_000 && t <= 340_000);
  assert.ok(around.length >= 8, `${around.length} polls between 4⅓ and 5⅔ minutes: ${around}`);
  const smallest = Math.min(...gaps(times));
  const at = times[gaps(times).indexOf(smallest)]!;
  assert.ok(at > 260_000 && at <= 345_000, `the densest polls are where the end is likely (${at})`);
  // Past it the job is late: 2% of the median (6 s) apart, backing off to the cap.
  const late = gaps(times).filter((_, i) => times[i - 1]! > 345_000);
  assert.ok(late[0]! <= 6_500, `late polls start ${late[0]}ms apart`);
  assert.equal(late.at(-1), 30_000);
  // Pure: a fresh options object gives the same schedule.
  assert.deepEqual(pollTimes({ ...plain, expected: { ...expected } }, 600_000), times);
});

Deno.test("pollSchedule() with one earlier duration assumes a spread of about ±10% around it", () => {
  const point = pollTimes({ ...plain, expectedDurationMs: 300_000 }, 600_000);
  const oneSample = { medianMs: 300_000, p10Ms: 300_000, p90Ms: 300_000, samples: 1 };
  assert.deepEqual(pollTimes({ ...plain, expected: oneSample }, 600_000), point);
  const window = point.filter((t) => t >= 270_000 && t <= 330_000);
  assert.ok(window.length >= 6, `polls across ±10%: ${window}`);
  assert.ok(gaps(point).filter((g) => g < 30_000).length >= 8);
  // A wider spread measured from many samples starts crowding earlier.
  const wide = { medianMs: 300_000, p10Ms: 240_000, p90Ms: 360_000, samples: 20 };
  const wider = pollTimes({ ...plain, expected: wide }, 600_000);
  const firstDense = (times: number[]) => times[gaps(times).findIndex((g) => g < 30_000)]!;
  assert.ok(firstDense(wider) < firstDense(point), `${firstDense(wider)} ${firstDense(point)}`);
});

Deno.test("pollSchedule() placing polls for a job varying ±10% lags about 2% of the job on average, for polls like fixed 30 s polling", () => {
  for (const minutes of [2, 5, 8, 20]) {
    const m = minutes * 60_000;
    const options = {
      ...plain,
      expected: { medianMs: m, p10Ms: m * 0.92, p90Ms: m * 1.08, samples: 20 },
    };
    const times = pollTimes(options, 2 * m);
    let lag = 0;
    let polls = 0;
    let fixed = 0;
    const n = 200;
    for (let k = 0; k < n; k++) {
      const d = m * (0.9 + (0.2 * (k + 0.5)) / n);
      const i = times.findIndex((t) => t >= d);
      lag += (times[i]! - d) / d / n;
      polls += (i + 1) / n;
      fixed += (Math.ceil(d / 30_000) + 1) / n; // at once, then every 30 s
    }
    assert.ok(lag <= 0.022, `${minutes} min: mean lag ${(lag * 100).toFixed(2)}%`);
    assert.ok(polls <= fixed + 0.5, `${minutes} min: ${polls.toFixed(2)} polls, fixed ${fixed}`);
  }
});

Deno.test("pollSchedule() polls a short late job about every firstInterval", () => {
  const short = { ...plain, expectedDurationMs: 20_000 };
  assert.equal(pollSchedule({ polls: 3, elapsedMs: 23_000 }, short), 1_000);
});

// ---- waitForJob: outcomes ----------------------------------------------------------------------

Deno.test("waitForJob() resolves with the job when it is DONE without an error", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient((n) => job(n < 3 ? "RUNNING" : "DONE"), t.elapsed);
  const polled: string[] = [];
  const result = await waitForJob(client, "job_1", {
    clock: t.clock,
    onPoll: (j) => polled.push(j.status.state),
  });
  assert.equal(result.status.state, "DONE");
  assert.deepEqual(polled, ["RUNNING", "RUNNING", "RUNNING", "DONE"]);
  assert.deepEqual(t.sleeps, [1000, 1500, 2250, 3375]);
  assert.equal(calls.get[0], 1000, "the first poll is about a second after the call");
  assert.equal(calls.stop.length, 0);
});

Deno.test("waitForJob() throws JobFailedError with Tamr's reason and message when DONE has an error", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(
    (n) =>
      n < 2
        ? job("RUNNING")
        : job("DONE", { reason: "PLANNING_FAILED", message: "No such column." }),
    t.elapsed,
  );
  await assert.rejects(waitForJob(client, "job_1", { clock: t.clock }), (error: unknown) => {
    assert.ok(error instanceof JobFailedError);
    assert.equal(error.jobId, "job_1");
    assert.equal(error.reason, "PLANNING_FAILED");
    assert.equal(error.tamrMessage, "No such column.");
    return true;
  });
  assert.equal(calls.stop.length, 0);
});

Deno.test("waitForJob() treats an unknown state as running: warns once and polls at the normal pace", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(
    (n) => job(n < 20 ? (n % 2 ? "STATE_UNSPECIFIED" : "SOMETHING_NEW") : "DONE"),
    t.elapsed,
  );
  const warnings: string[] = [];
  const result = await waitForJob(client, "job_1", {
    clock: t.clock,
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(result.status.state, "DONE");
  assert.equal(calls.get.length, 21);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /job_1/);
  assert.match(warnings[0]!, /SOMETHING_NEW/);
  const expected = Array.from(
    { length: 21 },
    (_, polls) => pollSchedule({ polls, elapsedMs: 0 }, plain),
  );
  assert.deepEqual(t.sleeps, expected);
  assert.ok(t.sleeps.every((ms) => ms >= 1000), "no busy loop");
});

Deno.test("waitForJob() lets a getJob ApiError propagate", async () => {
  const t = fakeClock();
  const refusal = new ApiError({ status: 404, method: "GET", path: "/api/v1beta1/jobs/job_1" });
  const client: JobClient = {
    ...scriptedClient(() => job("RUNNING"), t.elapsed).client,
    getJob: () => Promise.reject(refusal),
  };
  await assert.rejects(waitForJob(client, "job_1", { clock: t.clock }), (e) => e === refusal);
});

// ---- waitForJob: the deadline ------------------------------------------------------------------

Deno.test("waitForJob() stops the job once at the deadline, polls until DONE and reports it stopped", async () => {
  const t = fakeClock();
  let afterStop = 0;
  const { client, calls } = scriptedClient((_n, { stopped }) => {
    if (!stopped) return job("RUNNING");
    afterStop++;
    return afterStop < 4
      ? job("STOPPING")
      : job("DONE", { reason: "STOPPED_BY_USER", message: "The job was stopped by a user." });
  }, t.elapsed);
  const stopRequested: string[] = [];
  await assert.rejects(
    waitForJob(client, "job_1", {
      clock: t.clock,
      timeoutMs: 100_000,
      onStopRequested: (id) => stopRequested.push(id),
    }),
    (error: unknown) => {
      assert.ok(error instanceof JobTimeoutError);
      assert.equal(error.jobId, "job_1");
      assert.equal(error.timeoutMs, 100_000);
      assert.equal(error.stopped, true);
      return true;
    },
  );
  assert.deepEqual(calls.stop, ["job_1"]);
  assert.deepEqual(stopRequested, ["job_1"]);
  assert.equal(afterStop, 4, "polled after the stop until DONE, and no further");
  // After the stop: about a second, backing off, never above 5 s.
  const stopSleeps = t.sleeps.slice(-4);
  assert.equal(stopSleeps[0], 1000);
  assert.ok(stopSleeps.every((ms) => ms <= 5000));
});

Deno.test("waitForJob() never sleeps past the deadline and polls exactly at it", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(() => job("RUNNING"), t.elapsed);
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 100_000, leaveRunning: true }),
    JobTimeoutError,
  );
  const total = t.sleeps.reduce((a, b) => a + b, 0);
  assert.equal(total, 100_000, "the sleeps add up to the deadline, not beyond");
  assert.equal(calls.get.at(-1), 100_000, "the last poll is at the deadline");
  assert.ok(t.sleeps.at(-1)! < 30_000, "the last sleep was clipped");
});

Deno.test("waitForJob() with leaveRunning throws JobTimeoutError(stopped=false) without stopping", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(() => job("RUNNING"), t.elapsed);
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 60_000, leaveRunning: true }),
    (error: unknown) => error instanceof JobTimeoutError && error.stopped === false,
  );
  assert.equal(calls.stop.length, 0);
  assert.ok(calls.get.every((at) => at <= 60_000), "no poll after the deadline");
});

Deno.test("waitForJob() resolves when the job turns out DONE at the deadline, without stopping it", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(
    (_n, { elapsedMs }) => job(elapsedMs >= 60_000 ? "DONE" : "RUNNING"),
    t.elapsed,
  );
  const result = await waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 60_000 });
  assert.equal(result.status.state, "DONE");
  assert.equal(calls.stop.length, 0);
});

Deno.test("waitForJob() gives up after stopGraceMs when the stopped job never reaches DONE", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(
    (_n, { stopped }) => job(stopped ? "STOPPING" : "RUNNING"),
    t.elapsed,
  );
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 10_000, stopGraceMs: 20_000 }),
    (error: unknown) => error instanceof JobTimeoutError && error.stopped === false,
  );
  assert.equal(calls.stop.length, 1);
  assert.equal(t.elapsed(), 30_000, "waited exactly the grace period after the deadline");
  assert.equal(calls.get.at(-1), 30_000);
});

Deno.test("waitForJob() warns and reports a timeout when stopping the job fails", async () => {
  const t = fakeClock();
  const base = scriptedClient(() => job("RUNNING"), t.elapsed);
  const client: JobClient = {
    ...base.client,
    stopJob: () =>
      Promise.reject(
        new ApiError({ status: 409, method: "POST", path: "/api/v1beta1/jobs/job_1:stop" }),
      ),
  };
  const warnings: string[] = [];
  await assert.rejects(
    waitForJob(client, "job_1", {
      clock: t.clock,
      timeoutMs: 5_000,
      onWarning: (m) => warnings.push(m),
    }),
    (error: unknown) => error instanceof JobTimeoutError && error.stopped === false,
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /Could not stop job job_1.*409/);
});

// ---- waitForJob and stopAndConfirm: polls ride out an outage ----------------------------------

/** What a poll answers: a job, or a failure thrown as the client would after its retries. */
type Answer = Job | ApiError;

const failure = (status: number | null) =>
  new ApiError({ status, method: "GET", path: "/api/v1beta1/jobs/job_1" });

/** A JobClient whose polls answer from a script, recording the options each poll was given. */
function flakyClient(
  script: (poll: number, info: { stopped: boolean; elapsedMs: number }) => Answer,
  elapsed: () => number,
) {
  const options: (GetJobOptions | undefined)[] = [];
  const stops: string[] = [];
  const client: JobClient = {
    ...scriptedClient(() => job("RUNNING"), elapsed).client,
    getJob(_jobId, opts) {
      options.push(opts);
      const answer = script(options.length - 1, {
        stopped: stops.length > 0,
        elapsedMs: elapsed(),
      });
      return answer instanceof ApiError ? Promise.reject(answer) : Promise.resolve(answer);
    },
    stopJob(jobId) {
      stops.push(jobId);
      return Promise.resolve();
    },
  };
  return { client, options, stops };
}

Deno.test("waitForJob() asks the client to ride out an outage until the deadline, and a 404 only for a job just created", async () => {
  const t = fakeClock();
  const { client, options } = flakyClient((n) => job(n < 2 ? "RUNNING" : "DONE"), t.elapsed);
  await waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 600_000, justCreated: true });
  assert.deepEqual(options.map((o) => o?.poll), [
    { forMs: 599_000, notFoundForMs: NOT_YET_VISIBLE_MS - 1_000 },
    { forMs: 597_500, notFoundForMs: NOT_YET_VISIBLE_MS - 2_500 },
    { forMs: 595_250, notFoundForMs: NOT_YET_VISIBLE_MS - 4_750 },
  ]);

  const later = fakeClock();
  const plain = flakyClient(() => job("DONE"), later.elapsed);
  await waitForJob(plain.client, "job_1", { clock: later.clock, timeoutMs: 600_000 });
  assert.deepEqual(plain.options[0]?.poll, { forMs: 599_000, notFoundForMs: 0 });
});

Deno.test("waitForJob() polls on through failed polls, warning once when they start failing and once when they are answered again", async () => {
  const t = fakeClock();
  const failures = [failure(503), failure(null), failure(307), failure(200), failure(502)];
  const { client } = flakyClient(
    (n) => n >= 1 && n <= failures.length ? failures[n - 1]! : job(n < 8 ? "RUNNING" : "DONE"),
    t.elapsed,
  );
  const warnings: string[] = [];
  const result = await waitForJob(client, "job_1", {
    clock: t.clock,
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(result.status.state, "DONE");
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0]!, /Polls of job job_1 are failing \(.*503.*\); polling on/);
  assert.match(warnings[1]!, /Polls of job job_1 are answered again, after 5 failed attempts/);
});

Deno.test("waitForJob() warns once for a streak of retries the client reports through onRetry", async () => {
  const t = fakeClock();
  let polls = 0;
  const client: JobClient = {
    ...scriptedClient(() => job("RUNNING"), t.elapsed).client,
    getJob(_jobId, opts) {
      polls++;
      if (polls === 2) {
        for (let attempt = 1; attempt <= 4; attempt++) {
          opts?.onRetry?.({
            method: "GET",
            path: "/api/v1beta1/jobs/job_1",
            status: 503,
            attempt,
            delayMs: 1000,
            reason: "answered 503: Service unavailable",
          });
        }
      }
      return Promise.resolve(job(polls < 4 ? "RUNNING" : "DONE"));
    },
  };
  const warnings: string[] = [];
  const retries: number[] = [];
  await waitForJob(client, "job_1", {
    clock: t.clock,
    onWarning: (m) => warnings.push(m),
    onRetry: (r) => retries.push(r.attempt),
  });
  assert.deepEqual(retries, [1, 2, 3, 4], "every retry still reaches onRetry");
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0]!, /are failing \(answered 503: Service unavailable\)/);
  assert.match(warnings[1]!, /answered again, after 4 failed attempts/);
});

Deno.test("waitForJob() rides out an outage to the deadline, then stops the job and sees it DONE", async () => {
  const t = fakeClock();
  const { client, stops } = flakyClient(
    (_n, { stopped }) =>
      stopped
        ? job("DONE", { reason: "STOPPED_BY_USER", message: "The job was stopped by a user." })
        : failure(503),
    t.elapsed,
  );
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, timeoutMs: 600_000 }),
    (e: unknown) => e instanceof JobTimeoutError && e.stopped,
  );
  assert.deepEqual(stops, ["job_1"]);
  assert.ok(t.sleeps.every((ms) => ms <= 30_000), `waits: ${t.sleeps}`);
});

for (const status of [400, 401, 403, 404]) {
  Deno.test(`waitForJob() ends at once on a ${status} on a poll`, async () => {
    const t = fakeClock();
    const { client, options } = flakyClient(
      (n) => n === 0 ? job("RUNNING") : failure(status),
      t.elapsed,
    );
    await assert.rejects(
      waitForJob(client, "job_1", { clock: t.clock }),
      (e: unknown) => e instanceof ApiError && e.status === status,
    );
    assert.equal(options.length, 2);
  });
}

Deno.test("waitForJob() with justCreated polls again after a 404 in its first 30 s, and a later 404 is an error", async () => {
  const t = fakeClock();
  const { client } = flakyClient((n) => n < 3 ? failure(404) : job("DONE"), t.elapsed);
  const done = await waitForJob(client, "job_1", { clock: t.clock, justCreated: true });
  assert.equal(done.status.state, "DONE");

  const later = fakeClock();
  const gone = flakyClient(() => failure(404), later.elapsed);
  await assert.rejects(
    waitForJob(gone.client, "job_1", { clock: later.clock, justCreated: true }),
    (e: unknown) => e instanceof ApiError && e.status === 404,
  );
  assert.ok(later.elapsed() >= NOT_YET_VISIBLE_MS, `gave up after ${later.elapsed()} ms`);
  assert.ok(later.elapsed() < NOT_YET_VISIBLE_MS + 30_000);
});

Deno.test("stopAndConfirm() polls through failed polls until DONE, asking the client to ride out the rest of the grace", async () => {
  const t = fakeClock();
  const { client, options } = flakyClient(
    (n) => n < 4 ? failure(n % 2 ? 503 : null) : job("DONE"),
    t.elapsed,
  );
  const warnings: string[] = [];
  const result = await stopAndConfirm(client, "job_1", {
    clock: t.clock,
    graceMs: 120_000,
    onWarning: (m) => warnings.push(m),
  });
  assert.ok(result.confirmed);
  assert.equal(options[0]?.poll?.forMs, 119_000);
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0]!, /Polls of job job_1 are failing/);
});

Deno.test("stopAndConfirm() ends at once, unconfirmed, when a poll is refused", async () => {
  const t = fakeClock();
  const { client, options } = flakyClient(() => failure(401), t.elapsed);
  const result = await stopAndConfirm(client, "job_1", { clock: t.clock, graceMs: 120_000 });
  assert.equal(result.confirmed, false);
  assert.match(!result.confirmed ? result.why : "", /401/);
  assert.equal(options.length, 1);
});

// ---- waitForJob: abort -------------------------------------------------------------------------

Deno.test("waitForJob() rejects with the abort reason during a sleep and polls no more", async () => {
  const controller = new AbortController();
  let now = 0;
  const hangingClock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (now < 3_000) { // the first sleeps pass; then one hangs until the abort
          now += ms;
          return resolve();
        }
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  };
  const { client, calls } = scriptedClient(() => job("RUNNING"), () => now);
  const waiting = waitForJob(client, "job_1", { clock: hangingClock, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const pollsBefore = calls.get.length;
  assert.ok(pollsBefore >= 2);
  const reason = new Error("interrupted");
  controller.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.equal(calls.get.length, pollsBefore);
  assert.equal(calls.stop.length, 0, "the caller stops jobs itself");
});

Deno.test("waitForJob() rejects at once on abort even while a getJob ignores the signal", async () => {
  const controller = new AbortController();
  const t = fakeClock();
  let gets = 0;
  const client: JobClient = {
    ...scriptedClient(() => job("RUNNING"), t.elapsed).client,
    getJob: () => {
      gets++;
      return new Promise<Job>(() => {}); // never answers
    },
  };
  const waiting = waitForJob(client, "job_1", { clock: t.clock, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(gets, 1);
  const reason = new Error("interrupted");
  controller.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.equal(gets, 1);
});

Deno.test("waitForJob() with an already aborted signal rejects without polling", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(() => job("RUNNING"), t.elapsed);
  const reason = new Error("already gone");
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  assert.equal(calls.get.length, 0);
  assert.equal(t.sleeps.length, 0);
});

// ---- waitForJob: duration-aware polling --------------------------------------------------------

Deno.test("waitForJob() with an expectation polls where the job is likely to end, fewer times than a short cap", async () => {
  const finishAt = 600_000; // the job really takes 10 minutes, as the last eight runs did
  const run = async (options: WaitOptions) => {
    const t = fakeClock();
    const { client, calls } = scriptedClient(
      (_n, { elapsedMs }) => job(elapsedMs >= finishAt ? "DONE" : "RUNNING"),
      t.elapsed,
    );
    await waitForJob(client, "job_1", { clock: t.clock, ...options });
    return { polls: calls.get.length, times: calls.get, latency: t.elapsed() - finishAt };
  };
  const expected = { medianMs: 600_000, p10Ms: 600_000, p90Ms: 600_000, samples: 8 };
  const aware = await run({ maxIntervalMs: 30_000, expected });
  const shortCap = await run({ maxIntervalMs: 6_000 });
  const plainDefault = await run({});

  assert.ok(aware.latency <= 3_000, `noticed the finish within 3s, took ${aware.latency}ms`);
  assert.ok(
    aware.polls * 2 < shortCap.polls,
    `duration-aware made ${aware.polls} polls, a 6s cap ${shortCap.polls}`,
  );
  assert.ok(plainDefault.latency > aware.latency, "plain backoff at 30s notices the finish later");
  assert.ok(aware.polls <= 21, `${aware.polls} polls: no more than at once and every 30 s`);
  assert.ok(aware.times.slice(1).every((at, i) => at - aware.times[i]! <= 30_000));
});

Deno.test("waitForJob() refuses an expectation that is not one", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(() => job("DONE"), t.elapsed);
  const bad = [
    [{ medianMs: 0, p10Ms: 0, p90Ms: 0 }, /expected\.medianMs.*positive.*got 0/],
    [{ medianMs: 60_000, p10Ms: NaN, p90Ms: 60_000 }, /expected\.p10Ms.*got NaN/],
    [{ medianMs: 60_000, p10Ms: 60_000, p90Ms: -1 }, /expected\.p90Ms.*got -1/],
    [
      { medianMs: 60_000, p10Ms: 60_000, p90Ms: 60_000, samples: 0.5 },
      /expected\.samples.*got 0\.5/,
    ],
  ] as const;
  for (const [expected, message] of bad) {
    await assert.rejects(
      waitForJob(client, "job_1", { clock: t.clock, expected }),
      (e: unknown) => e instanceof RangeError && message.test(e.message),
    );
  }
  assert.equal(calls.get.length, 0);
});

Deno.test("waitForJob() refuses nonsensical options with a sentence naming the value", async () => {
  const t = fakeClock();
  const { client, calls } = scriptedClient(() => job("DONE"), t.elapsed);
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, maxIntervalMs: -3 }),
    (e: unknown) => e instanceof RangeError && /maxIntervalMs.*-3/.test(e.message),
  );
  await assert.rejects(
    waitForJob(client, "job_1", { clock: t.clock, backoff: 0.5 }),
    (e: unknown) => e instanceof RangeError && /backoff.*0\.5/.test(e.message),
  );
  assert.equal(calls.get.length, 0);
});
