import assert from "node:assert/strict";
import { type ClientOptions, createJobClient } from "../lib/kit/api/client.ts";
import { type Clock, realClock } from "../lib/kit/clock.ts";
import { ApiError, UsageError } from "../lib/kit/errors.ts";
import type { ExchangeInfo, Job, JobClient, RetryInfo } from "../lib/kit/api/types.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";

// ---------------------------------------------------------------------------------------------
// Fakes: a virtual clock that records the waits that ran to their end, and an httpmock-style
// scripted fetch.

const KEY = "tamr-key-SECRET-0123456789";
const BASE = "https://acme.tamr.cloud";
const START = Date.UTC(2025, 0, 1, 12, 0, 0);

/**
 * Virtual time: a wait ends once nothing else can happen (every scripted answer is in), so a
 * backoff takes no real time and a request's deadline passes only for a request that hangs.
 * `sleeps` lists the waits that ran to their end: backoffs, and deadlines that passed.
 */
class FakeClock implements Clock {
  readonly virtual = new VirtualClock({ start: START });
  sleeps: number[] = [];
  now = () => this.virtual.now();
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await this.virtual.sleep(ms, signal);
    this.sleeps.push(ms);
  };
  /** As if the request in progress took `ms`. */
  advance(ms: number): void {
    this.virtual.advance(ms);
  }
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.virtual.run(work);
  }
}

/** The client with each call run to its end on `clock`'s virtual time. */
function onClock(client: JobClient, clock: FakeClock): JobClient {
  return {
    createJob: (configuration, options) =>
      clock.run(() => client.createJob(configuration, options)),
    getJob: (jobId, options) => clock.run(() => client.getJob(jobId, options)),
    stopJob: (jobId, options) => clock.run(() => client.stopJob(jobId, options)),
    listJobs(options) {
      const pages = client.listJobs(options)[Symbol.asyncIterator]();
      const iterator: AsyncIterator<Job> = {
        next: () => clock.run(() => pages.next()),
        return: (value?: unknown) =>
          clock.run(() =>
            pages.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined })
          ),
      };
      return { [Symbol.asyncIterator]: () => iterator };
    },
  };
}

interface Call {
  method: string;
  path: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
  redirect: RequestRedirect | undefined;
}

type Responder = (call: Call) => Response | Promise<Response>;

/** Answers a scripted sequence in order, records every call, and checks all answers were used. */
class HttpMock {
  readonly calls: Call[] = [];
  private readonly script: { method: string; path: string; respond: Responder }[] = [];
  private readonly problems: string[] = [];

  /** Scripts the next answer; method "*" answers any request. */
  on(method: string, path: string, respond: Responder): this {
    this.script.push({ method, path, respond });
    return this;
  }

  fetch: typeof fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname + url.search,
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : undefined,
      signal: init?.signal ?? undefined,
      redirect: init?.redirect,
    };
    this.calls.push(call);
    const next = this.script[this.calls.length - 1];
    if (!next) {
      this.problems.push(`unexpected request ${call.method} ${call.path}`);
      throw new Error(`HttpMock: no answer scripted for ${call.method} ${call.path}`);
    }
    const matches = next.method === "*" ||
      (next.method === call.method && next.path === call.path);
    if (!matches) {
      this.problems.push(
        `request ${this.calls.length} was ${call.method} ${call.path}, expected ${next.method} ${next.path}`,
      );
    }
    return await next.respond(call);
  }) as typeof fetch;

  /** Every scripted answer was asked for, in order, and nothing else was. */
  verify(): void {
    assert.deepEqual(this.problems, []);
    assert.equal(
      this.calls.length,
      this.script.length,
      `expected ${this.script.length} requests, got ${this.calls.length}`,
    );
  }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder => () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

const text = (status: number, body: string, type = "text/html"): Responder => () =>
  new Response(body, { status, headers: { "content-type": type } });

const tamrError = (status: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { statusCode: status, message }, headers);

/** What Deno's fetch throws when nothing listens on the port. */
const refused: Responder = () => {
  throw new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (https://acme.tamr.cloud/api/v1beta1/jobs): client error (Connect): tcp connect error: Connection refused (os error 111)",
    ),
  });
};

/** What Deno's fetch throws when the server closes the connection after getting the request. */
const dropped: Responder = () => {
  throw new TypeError("fetch failed", {
    cause: new Error(
      "error sending request from 127.0.0.1:1 for https://acme.tamr.cloud/ (1.2.3.4:443): client error (SendRequest): connection closed before message completed",
    ),
  });
};

/** Never answers; rejects with the signal's reason when the request is aborted. */
const hang: Responder = (call) =>
  new Promise((_resolve, reject) => {
    const signal = call.signal;
    if (!signal) throw new Error("hang() needs a request with a signal");
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

const JOB: Job = {
  jobId: "job_1",
  configuration: { load: { sourceId: "s1" } },
  status: { state: "RUNNING", stateStartTime: "2025-01-01T12:00:00Z" },
};

function setup(overrides: Partial<ClientOptions> = {}) {
  const http = new HttpMock();
  const clock = overrides.clock instanceof FakeClock ? overrides.clock : new FakeClock();
  const retries: RetryInfo[] = [];
  const exchanges: ExchangeInfo[] = [];
  const client: JobClient = onClock(
    createJobClient({
      baseUrl: BASE,
      apiKey: KEY,
      fetch: http.fetch,
      random: () => 0.5,
      onRetry: (i) => retries.push(i),
      onExchange: (i) => exchanges.push(i),
      ...overrides,
      clock,
    }),
    clock,
  );
  return { http, clock, client, retries, exchanges };
}

async function rejectsWith<E>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const JOB_PATH = "/api/v1beta1/jobs/job_1";
const JOBS = "/api/v1beta1/jobs";

// ---------------------------------------------------------------------------------------------
// The happy paths

Deno.test("getJob() sends the key as X-API-KEY and returns the job with unknown fields kept", async () => {
  const { http, client } = setup();
  http.on("GET", JOB_PATH, json(200, { ...JOB, futureField: { x: 1 } }));
  const job = await client.getJob("job_1");
  assert.equal(job.jobId, "job_1");
  assert.equal(job.status.state, "RUNNING");
  assert.deepEqual((job as unknown as Record<string, unknown>).futureField, { x: 1 });
  const call = http.calls[0]!;
  assert.equal(call.headers.get("x-api-key"), KEY);
  assert.equal(call.headers.get("accept"), "application/json");
  http.verify();
});

Deno.test("createJob() posts {configuration} as JSON and returns Tamr's job", async () => {
  const { http, client } = setup();
  http.on("POST", JOBS, json(200, { ...JOB, status: { state: "PENDING" } }));
  const job = await client.createJob({ load: { sourceId: "s1" } });
  assert.equal(job.jobId, "job_1");
  assert.equal(job.status.state, "PENDING");
  const call = http.calls[0]!;
  assert.deepEqual(JSON.parse(call.body!), { configuration: { load: { sourceId: "s1" } } });
  assert.equal(call.headers.get("content-type"), "application/json");
  http.verify();
});

Deno.test("createJob() fills in a missing status and configuration of an answer with a jobId", async () => {
  const { http, client } = setup();
  http.on("POST", JOBS, json(200, { jobId: "job_9" }));
  const job = await client.createJob({ update: { dataProductId: "dp" } });
  assert.deepEqual(job, {
    jobId: "job_9",
    configuration: { update: { dataProductId: "dp" } },
    status: { state: "PENDING" },
  });
  http.verify();
});

Deno.test("stopJob() posts {} to /jobs/{id}:stop and accepts {} or an empty answer", async () => {
  const { http, client } = setup();
  http.on("POST", `${JOB_PATH}:stop`, json(200, {}));
  http.on("POST", `${JOB_PATH}:stop`, () => new Response(null, { status: 204 }));
  assert.equal(await client.stopJob("job_1"), undefined);
  await client.stopJob("job_1");
  assert.equal(http.calls[0]!.body, "{}");
  http.verify();
});

Deno.test("job ids go into the path as one encoded segment", async () => {
  const { http, client } = setup();
  http.on(
    "GET",
    "/api/v1beta1/jobs/a%2Fb%3Astop%3Fx%3D1%23y",
    json(200, { ...JOB, jobId: "a/b:stop?x=1#y" }),
  );
  http.on("POST", "/api/v1beta1/jobs/a%2Fb%20c:stop", json(200, {}));
  await client.getJob("a/b:stop?x=1#y");
  await client.stopJob("a/b c");
  http.verify();
});

Deno.test("getJob() and stopJob() refuse an empty id and dot segments without sending anything", async () => {
  const { http, client } = setup();
  for (const id of ["", ".", ".."]) {
    const e = await rejectsWith(client.getJob(id), UsageError);
    assert.match(e.message, /'jobId' must be a non-empty job id/);
    await rejectsWith(client.stopJob(id), UsageError);
  }
  http.verify();
});

Deno.test("a trailing slash on the base URL does not double the slash", async () => {
  const { http, client } = setup({ baseUrl: `${BASE}/` });
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Retries, backoff and Retry-After

Deno.test("getJob() retries a 503 and honours Retry-After in seconds", async () => {
  const { http, client, clock } = setup();
  http.on("GET", JOB_PATH, tamrError(503, "Service unavailable", { "retry-after": "7" }));
  http.on("GET", JOB_PATH, json(200, JOB));
  assert.equal((await client.getJob("job_1")).jobId, "job_1");
  assert.deepEqual(clock.sleeps, [7000]);
  http.verify();
});

Deno.test("getJob() honours Retry-After given as an HTTP date", async () => {
  const { http, client, clock } = setup();
  const at = new Date(START + 12_000).toUTCString();
  http.on("GET", JOB_PATH, tamrError(429, "Too many requests", { "retry-after": at }));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(clock.sleeps, [12_000]);
  http.verify();
});

Deno.test("a Retry-After longer than maxDelayMs waits maxDelayMs", async () => {
  const { http, client, clock } = setup({ retry: { maxDelayMs: 5000 } });
  http.on("GET", JOB_PATH, tamrError(503, "busy", { "retry-after": "60" }));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(clock.sleeps, [5000]);
  http.verify();
});

Deno.test("a Retry-After longer than the time budget left gives up at once", async () => {
  const { http, client, clock, retries } = setup({ retry: { maxElapsedMs: 60_000 } });
  http.on("GET", JOB_PATH, tamrError(503, "Down for maintenance", { "retry-after": "3600" }));
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, 503);
  assert.equal(e.attempts, 1);
  assert.equal(e.tamrMessage, "Down for maintenance");
  assert.match(e.message, /Down for maintenance/);
  assert.deepEqual(clock.sleeps, []);
  assert.deepEqual(retries, []);
  http.verify();
});

Deno.test("backoff with random() = 0 never waits", async () => {
  const { http, client, clock } = setup({ random: () => 0 });
  for (let i = 0; i < 3; i++) http.on("GET", JOB_PATH, tamrError(500, "oops"));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(clock.sleeps, [0, 0, 0]);
  http.verify();
});

Deno.test("backoff with random() near 1 waits base * 2^(n-1), capped at maxDelayMs", async () => {
  const { http, client, clock } = setup({
    random: () => 1 - Number.EPSILON,
    retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 3000 },
  });
  for (let i = 0; i < 5; i++) http.on("GET", JOB_PATH, tamrError(502, "bad gateway"));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(clock.sleeps.map(Math.round), [500, 1000, 2000, 3000, 3000]);
  http.verify();
});

Deno.test("getJob() gives up after maxAttempts with the last status and Tamr's message", async () => {
  const { http, client, clock } = setup();
  for (let i = 0; i < 6; i++) http.on("GET", JOB_PATH, tamrError(503, `busy ${i + 1}`));
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, 503);
  assert.equal(e.attempts, 6);
  assert.equal(e.method, "GET");
  assert.equal(e.path, JOB_PATH);
  assert.equal(e.tamrMessage, "busy 6");
  assert.equal(e.ambiguous, false);
  assert.match(e.message, /answered 503: busy 6 after 6 attempts/);
  assert.equal(clock.sleeps.length, 5);
  http.verify();
});

Deno.test("getJob() gives up when the elapsed time budget is spent, slow answers included", async () => {
  const clock = new FakeClock();
  const slow503: Responder = () => {
    clock.advance(4000); // each answer takes 4s
    return new Response("", { status: 503 });
  };
  const { http, client } = setup({
    clock,
    random: () => 1 - Number.EPSILON,
    retry: { maxAttempts: 100, maxElapsedMs: 20_000, baseDelayMs: 1000, maxDelayMs: 1000 },
  });
  // 4s + 1s + 4s + 1s + 4s + 1s + 4s = 19s; the next 1s wait would end at 20s, the budget.
  for (let i = 0; i < 4; i++) http.on("GET", JOB_PATH, slow503);
  http.on("GET", JOB_PATH, slow503);
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, 503);
  assert.equal(e.attempts, 5);
  assert.match(e.message, /retry time budget of 20000ms is spent/);
  http.verify();
});

Deno.test("getJob() retries a non-JSON 200 from a proxy", async () => {
  const { http, client, exchanges } = setup();
  http.on("GET", JOB_PATH, text(200, "<html><title>Please wait</title><body>...</body></html>"));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.equal(exchanges[0]!.status, 200);
  assert.equal(exchanges[0]!.error, 'the answer was not JSON (an HTML page titled "Please wait")');
  assert.equal(exchanges[1]!.error, undefined);
  http.verify();
});

Deno.test("getJob() retries a 502 HTML page, a dropped connection and a timeout", async () => {
  const { http, client, exchanges } = setup({ requestTimeoutMs: 20 });
  http.on("GET", JOB_PATH, text(502, "<html><head><title>502 Bad Gateway</title></head></html>"));
  http.on("GET", JOB_PATH, dropped);
  http.on("GET", JOB_PATH, hang);
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(exchanges.map((x) => [x.status, x.error]), [
    [502, undefined],
    [null, "the connection was closed before an answer came"],
    [null, "no answer within 20ms"],
    [200, undefined],
  ]);
  http.verify();
});

Deno.test("after giving up on network errors the error has status null and says why", async () => {
  const { http, client } = setup({ retry: { maxAttempts: 2 } });
  http.on("GET", JOB_PATH, dropped);
  http.on("GET", JOB_PATH, refused);
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, null);
  assert.equal(e.attempts, 2);
  assert.match(e.message, /got no answer \(connection refused; gave up: no attempts left/);
  assert.ok(e.cause instanceof TypeError, "the fetch error is kept as the cause");
  http.verify();
});

Deno.test("stopJob() retries a 500 (stop is idempotent)", async () => {
  const { http, client } = setup();
  http.on("POST", `${JOB_PATH}:stop`, tamrError(500, "internal"));
  http.on("POST", `${JOB_PATH}:stop`, json(200, {}));
  await client.stopJob("job_1");
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Refusals

for (const status of [400, 401, 403, 404, 409, 422, 501]) {
  Deno.test(`getJob() fails at once on ${status} with Tamr's message`, async () => {
    const { http, client, clock } = setup();
    http.on("GET", JOB_PATH, tamrError(status, `Tamr says no (${status})`));
    const e = await rejectsWith(client.getJob("job_1"), ApiError);
    assert.equal(e.status, status);
    assert.equal(e.method, "GET");
    assert.equal(e.path, JOB_PATH);
    assert.equal(e.tamrMessage, `Tamr says no (${status})`);
    assert.equal(e.attempts, 1);
    assert.equal(
      e.message,
      `Tamr API request failed: GET ${JOB_PATH} was answered ${status}: Tamr says no (${status})`,
    );
    assert.deepEqual(clock.sleeps, []);
    http.verify();
  });
}

Deno.test("a refusal with an HTML page gives a short detail, not the page", async () => {
  const { http, client } = setup();
  const page = `<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>${
    "<p>blocked</p>".repeat(500)
  }</body></html>`;
  http.on("GET", JOB_PATH, text(403, page));
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.tamrMessage, undefined);
  assert.match(e.message, /answered 403 \(an HTML page titled "403 Forbidden"\)$/);
  assert.ok(e.message.length < 200, e.message);
  http.verify();
});

Deno.test("a refusal with a junk body quotes only its start", async () => {
  const { http, client } = setup();
  http.on("GET", JOB_PATH, text(400, `bad\n\u0000request ${"x".repeat(5000)}`, "text/plain"));
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.match(e.message, /answered 400 \(a body starting "bad request x+…"\)$/);
  assert.ok(e.message.length < 200, e.message);
  http.verify();
});

Deno.test("a redirect is not followed, so the key is not sent elsewhere", async () => {
  const { http, client } = setup();
  http.on(
    "GET",
    JOB_PATH,
    () => new Response(null, { status: 302, headers: { location: "https://login.example/" } }),
  );
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, 302);
  assert.match(e.message, /redirected to https:\/\/login\.example\//);
  assert.equal(http.calls[0]!.redirect, "manual");
  http.verify();
});

Deno.test("getJob() fails at once on an answer without a string status.state", async () => {
  const { http, client } = setup();
  http.on("GET", JOB_PATH, json(200, { jobId: "job_1", status: { state: 3 } }));
  const e = await rejectsWith(client.getJob("job_1"), ApiError);
  assert.equal(e.status, 200);
  assert.match(e.message, /has no string 'status.state'/);
  http.verify();
});

Deno.test("an answer over maxResponseBytes is an error, with or without Content-Length", async () => {
  const { http, client } = setup({ maxResponseBytes: 1000 });
  const big = JSON.stringify({ ...JOB, padding: "x".repeat(2000) });
  let cancelled = false;
  http.on("GET", JOB_PATH, json(200, JSON.parse(big), { "content-length": String(big.length) }));
  http.on("GET", JOB_PATH, () => {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes.slice(0, 600)); // endless 600-byte chunks
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(stream, { status: 200 });
  });
  for (let i = 0; i < 2; i++) {
    const e = await rejectsWith(client.getJob("job_1"), ApiError);
    assert.equal(e.attempts, 1);
    assert.match(e.message, /the answer was larger than 1000 bytes/);
  }
  assert.equal(cancelled, true, "the endless body was cancelled");
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Polls (getJob with `poll`): riding out an outage until the wait's deadline

const HOUR = 3_600_000;

Deno.test("getJob() with poll retries 503s past maxAttempts and the time budget, each wait at most maxDelayMs", async () => {
  const { http, client, clock, retries } = setup({ retry: { maxAttempts: 3 } });
  for (let i = 0; i < 12; i++) http.on("GET", JOB_PATH, tamrError(503, "Service unavailable"));
  http.on("GET", JOB_PATH, json(200, JOB));
  const job = await client.getJob("job_1", { poll: { forMs: HOUR } });
  assert.equal(job.jobId, "job_1");
  assert.equal(retries.length, 12);
  assert.ok(clock.sleeps.every((ms) => ms <= 30_000), `waits: ${clock.sleeps}`);
  assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) > 120_000, "longer than the time budget");
  // Exponential with equal jitter (random() = 0.5: three quarters of each cap).
  assert.deepEqual(clock.sleeps.slice(0, 4), [375, 750, 1500, 3000]);
  http.verify();
});

Deno.test("getJob() with poll gives up when poll.forMs is spent, its last wait clipped to land on it", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const client = onClock(
    createJobClient({
      baseUrl: BASE,
      apiKey: KEY,
      clock,
      random: () => 0.5,
      fetch: (() => {
        calls++;
        return Promise.resolve(
          new Response(JSON.stringify({ statusCode: 503, message: "Down" }), { status: 503 }),
        );
      }) as typeof fetch,
    }),
    clock,
  );
  const e = await rejectsWith(client.getJob("job_1", { poll: { forMs: 60_000 } }), ApiError);
  assert.equal(e.status, 503);
  assert.match(e.message, /answered 503: Down after 9 attempts/);
  assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), 60_000, `waits: ${clock.sleeps}`);
  assert.equal(calls, 9, "one last attempt at the deadline");
  assert.equal(clock.sleeps.length, 8);
});

Deno.test("getJob() with poll rides out an oversize, malformed or HTML answer, a redirect and a dropped connection", async () => {
  const { http, client, retries } = setup({ maxResponseBytes: 1000 });
  const big = JSON.stringify({ ...JOB, padding: "x".repeat(2000) });
  http.on("GET", JOB_PATH, json(200, JSON.parse(big)));
  http.on("GET", JOB_PATH, text(200, '{"jobId": "job_1", "sta', "application/json"));
  http.on("GET", JOB_PATH, json(200, { jobId: "job_1", status: {} }));
  http.on("GET", JOB_PATH, text(502, "<html><title>502 Bad Gateway</title></html>"));
  http.on(
    "GET",
    JOB_PATH,
    () => new Response(null, { status: 307, headers: { location: "https://elsewhere.example/" } }),
  );
  http.on("GET", JOB_PATH, dropped);
  http.on("GET", JOB_PATH, json(200, JOB));
  assert.equal((await client.getJob("job_1", { poll: { forMs: HOUR } })).jobId, "job_1");
  assert.equal(retries.length, 6);
  assert.match(retries[0]!.reason, /larger than 1000 bytes/);
  assert.match(retries[4]!.reason, /307: redirected to https:\/\/elsewhere\.example\//);
  assert.ok(http.calls.every((c) => c.redirect === "manual"), "no redirect followed");
  http.verify();
});

Deno.test("getJob() with poll waits at most maxDelayMs on Retry-After: 86400", async () => {
  const { http, client, clock } = setup();
  http.on("GET", JOB_PATH, tamrError(503, "Maintenance", { "retry-after": "86400" }));
  http.on("GET", JOB_PATH, tamrError(429, "Slow down", { "retry-after": "86400" }));
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1", { poll: { forMs: HOUR } });
  assert.deepEqual(clock.sleeps, [30_000, 30_000]);
  http.verify();
});

Deno.test("getJob() with poll honours a Retry-After longer than its backoff, never past the deadline", async () => {
  const { http, client, clock } = setup();
  http.on("GET", JOB_PATH, tamrError(503, "busy", { "retry-after": "7" }));
  http.on("GET", JOB_PATH, tamrError(503, "busy", { "retry-after": "20" }));
  http.on("GET", JOB_PATH, tamrError(503, "busy"));
  await rejectsWith(client.getJob("job_1", { poll: { forMs: 12_000 } }), ApiError);
  assert.deepEqual(clock.sleeps, [7_000, 5_000], "the second wait clipped to the deadline");
  http.verify();
});

for (const status of [400, 401, 403, 404]) {
  Deno.test(`getJob() with poll fails at once on ${status}`, async () => {
    const { http, client, retries } = setup();
    http.on("GET", JOB_PATH, tamrError(status, `Refused with ${status}`));
    const e = await rejectsWith(client.getJob("job_1", { poll: { forMs: HOUR } }), ApiError);
    assert.equal(e.status, status);
    assert.equal(e.attempts, 1);
    assert.deepEqual(retries, []);
    http.verify();
  });
}

Deno.test("getJob() with poll retries a 404 within notFoundForMs (a job not visible yet), then it is an error", async () => {
  const { http, client, clock } = setup();
  http.on("GET", JOB_PATH, tamrError(404, "Job not found"));
  http.on("GET", JOB_PATH, tamrError(404, "Job not found"));
  http.on("GET", JOB_PATH, json(200, JOB));
  const poll = { forMs: HOUR, notFoundForMs: 30_000 };
  assert.equal((await client.getJob("job_1", { poll })).jobId, "job_1");
  http.verify();

  const later = setup({ clock });
  for (let i = 0; i < 5; i++) later.http.on("GET", JOB_PATH, tamrError(404, "Job not found"));
  const e = await rejectsWith(
    later.client.getJob("job_1", { poll: { forMs: HOUR, notFoundForMs: 5_000 } }),
    ApiError,
  );
  assert.equal(e.status, 404);
  assert.equal(e.attempts, 5, "retried for 5 s, then the 404 is an error");
  later.http.verify();
});

Deno.test("createJob() with retryTooManyRequests: false throws a 429 at once with its Retry-After", async () => {
  const { http, client, clock, retries } = setup();
  http.on("POST", JOBS, tamrError(429, "Too many running jobs", { "retry-after": "120" }));
  const e = await rejectsWith(
    client.createJob({ load: { sourceId: "s1" } }, { retryTooManyRequests: false }),
    ApiError,
  );
  assert.equal(e.status, 429);
  assert.equal(e.retryAfterMs, 120_000);
  assert.equal(e.ambiguous, false);
  assert.deepEqual(retries, []);
  assert.deepEqual(clock.sleeps, []);
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Create: retried only when the job certainly was not created

Deno.test("createJob() retries a 429 (the job was not created)", async () => {
  const { http, client, clock } = setup();
  http.on("POST", JOBS, tamrError(429, "Too many running jobs", { "retry-after": "2" }));
  http.on("POST", JOBS, tamrError(429, "Too many running jobs"));
  http.on("POST", JOBS, json(200, JOB));
  assert.equal((await client.createJob({ load: { sourceId: "s1" } })).jobId, "job_1");
  assert.deepEqual(clock.sleeps, [2000, 500]);
  http.verify();
});

Deno.test("createJob() retries when the connection was refused", async () => {
  const { http, client } = setup();
  http.on("POST", JOBS, refused);
  http.on("POST", JOBS, json(200, JOB));
  await client.createJob({ load: { sourceId: "s1" } });
  http.verify();
});

Deno.test("createJob() gives up on a lasting 429 without calling it ambiguous", async () => {
  const { http, client } = setup({ retry: { maxAttempts: 3 } });
  for (let i = 0; i < 3; i++) http.on("POST", JOBS, tamrError(429, "Too many running jobs"));
  const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
  assert.equal(e.status, 429);
  assert.equal(e.attempts, 3);
  assert.equal(e.ambiguous, false);
  http.verify();
});

const ambiguousCases: [string, Responder, number | null, RegExp][] = [
  ["a 502", text(502, "<html><title>502 Bad Gateway</title></html>"), 502, /502 Bad Gateway/],
  ["a 500", tamrError(500, "internal error"), 500, /internal error/],
  ["a 503", tamrError(503, "unavailable", { "retry-after": "1" }), 503, /unavailable/],
  ["a timeout", hang, null, /no answer within 20ms/],
  ["a dropped connection", dropped, null, /connection was closed before an answer came/],
  ["a non-JSON 200", text(200, "<html><title>Proxy</title></html>"), 200, /not JSON/],
  ["a 200 without a jobId", json(200, { id: "x" }), 200, /has no string 'jobId'/],
];
for (const [what, respond, status, detail] of ambiguousCases) {
  Deno.test(`createJob() does not re-send after ${what} and marks the error ambiguous`, async () => {
    const { http, client, clock, retries } = setup({ requestTimeoutMs: 20 });
    http.on("POST", JOBS, respond);
    const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
    assert.equal(e.ambiguous, true);
    assert.equal(e.status, status);
    assert.equal(e.attempts, 1);
    assert.match(e.message, detail);
    // No backoff: the only wait that ran out is the deadline of a request that never answered.
    assert.deepEqual(clock.sleeps, status === null && what === "a timeout" ? [20] : []);
    assert.deepEqual(retries, []);
    http.verify();
  });
}

Deno.test("createJob() fails at once on a 400, not ambiguous", async () => {
  const { http, client } = setup();
  http.on("POST", JOBS, tamrError(400, "Unknown source s1"));
  const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
  assert.equal(e.ambiguous, false);
  assert.equal(e.tamrMessage, "Unknown source s1");
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// The caller's signal

Deno.test("aborting during a backoff wait rejects at once with the signal's reason", async () => {
  const http = new HttpMock();
  const controller = new AbortController();
  const reason = new Error("user pressed Ctrl-C");
  let retried = false;
  let sleeping = false;
  // Sleeps never end by themselves: only an abort ends one (the request's deadline included).
  const clock: Clock = {
    now: () => START,
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (retried) sleeping = true; // the first sleep after onRetry is the backoff
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  };
  const client = createJobClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: http.fetch,
    clock,
    // Abort once the client is inside the backoff's clock.sleep (called right after onRetry).
    onRetry: () => {
      retried = true;
      queueMicrotask(() => controller.abort(reason));
    },
  });
  http.on("GET", JOB_PATH, tamrError(503, "busy"));
  await assert.rejects(client.getJob("job_1", { signal: controller.signal }), (e) => e === reason);
  assert.equal(sleeping, true, "the abort came during the backoff wait");
  http.verify();
});

Deno.test("aborting during a request rejects with the reason and does not retry", async () => {
  const { http, client } = setup();
  const controller = new AbortController();
  const reason = new Error("stop now");
  http.on("POST", JOBS, (call) => {
    queueMicrotask(() => controller.abort(reason));
    return hang(call);
  });
  await assert.rejects(
    client.createJob({ load: { sourceId: "s1" } }, { signal: controller.signal }),
    (e) => e === reason,
  );
  http.verify();
});

Deno.test("an already aborted signal sends nothing", async () => {
  const { http, client } = setup();
  const reason = new Error("already gone");
  await assert.rejects(
    client.getJob("job_1", { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Listing

Deno.test("listJobs() walks three pages, passing pageSize, pageToken and filter", async () => {
  const { http, client } = setup();
  const job = (id: string) => ({ ...JOB, jobId: id });
  const q = (extra: string) => `${JOBS}?pageSize=30${extra}&filter=status.state+%21%3D+DONE`;
  http.on("GET", q(""), json(200, { jobs: [job("a"), job("b")], nextPageToken: "t1" }));
  http.on("GET", q("&pageToken=t1"), json(200, { jobs: [job("c")], nextPageToken: "t/2" }));
  http.on("GET", q("&pageToken=t%2F2"), json(200, { jobs: [job("d")], nextPageToken: "" }));
  const jobs = await collect(client.listJobs({ filter: "status.state != DONE" }));
  assert.deepEqual(jobs.map((j) => j.jobId), ["a", "b", "c", "d"]);
  http.verify();
});

Deno.test("listJobs() caps pageSize at 30, treats a missing jobs list as empty and stops", async () => {
  const { http, client } = setup();
  http.on("GET", `${JOBS}?pageSize=30`, json(200, {}));
  assert.deepEqual(await collect(client.listJobs({ pageSize: 100 })), []);
  http.verify();
});

Deno.test("listJobs() fetches lazily and retries a page that failed", async () => {
  const { http, client } = setup();
  http.on("GET", `${JOBS}?pageSize=2`, json(200, { jobs: [JOB], nextPageToken: "t1" }));
  http.on("GET", `${JOBS}?pageSize=2&pageToken=t1`, tamrError(503, "busy"));
  http.on("GET", `${JOBS}?pageSize=2&pageToken=t1`, json(200, { jobs: [{ ...JOB, jobId: "z" }] }));
  const it = client.listJobs({ pageSize: 2 })[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.jobId, "job_1");
  assert.equal(http.calls.length, 1, "page 2 is not fetched before it is needed");
  assert.equal((await it.next()).value?.jobId, "z");
  assert.equal((await it.next()).done, true);
  http.verify();
});

Deno.test("listJobs() stops with an error when the server repeats a page token", async () => {
  const { http, client } = setup();
  http.on("GET", `${JOBS}?pageSize=30`, json(200, { jobs: [], nextPageToken: "t" }));
  http.on("GET", `${JOBS}?pageSize=30&pageToken=t`, json(200, { jobs: [], nextPageToken: "t" }));
  await rejectsWith(collect(client.listJobs()), ApiError);
  http.verify();
});

Deno.test("listJobs() refuses a page with a malformed job", async () => {
  const { http, client } = setup();
  http.on("GET", `${JOBS}?pageSize=30`, json(200, { jobs: [JOB, { jobId: "x" }] }));
  const e = await rejectsWith(collect(client.listJobs()), ApiError);
  assert.match(e.message, /jobs\[1\] for job x has no string 'status.state'/);
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// Reports

Deno.test("onExchange reports every attempt and onRetry every wait", async () => {
  const { http, client, retries, exchanges } = setup({ random: () => 0.5 });
  http.on("GET", JOB_PATH, tamrError(503, "busy", { "retry-after": "3" }));
  http.on("GET", JOB_PATH, refused);
  http.on("GET", JOB_PATH, json(200, JOB));
  await client.getJob("job_1");
  assert.deepEqual(exchanges, [
    { method: "GET", path: JOB_PATH, status: 503, durationMs: 0, attempt: 1 },
    {
      method: "GET",
      path: JOB_PATH,
      status: null,
      durationMs: 0,
      attempt: 2,
      error: "connection refused",
    },
    { method: "GET", path: JOB_PATH, status: 200, durationMs: 0, attempt: 3 },
  ]);
  assert.deepEqual(retries, [
    {
      method: "GET",
      path: JOB_PATH,
      status: 503,
      attempt: 1,
      delayMs: 3000,
      reason: "answered 503: busy",
    },
    {
      method: "GET",
      path: JOB_PATH,
      status: null,
      attempt: 2,
      delayMs: 500,
      reason: "connection refused",
    },
  ]);
  http.verify();
});

Deno.test("a request's own onRetry hears each of its retries, after the client's, and no other request's", async () => {
  const heard: string[] = [];
  const { http, client } = setup({
    onRetry: (r) => heard.push(`client ${r.path} #${r.attempt}`),
  });
  http.on("GET", JOB_PATH, tamrError(503, "busy"));
  http.on("GET", JOB_PATH, text(502, "<html><title>502</title></html>"));
  http.on("GET", JOB_PATH, json(200, JOB));
  http.on("POST", `${JOB_PATH}:stop`, tamrError(500, "oops"));
  http.on("POST", `${JOB_PATH}:stop`, json(200, {}));
  const own: RetryInfo[] = [];
  await client.getJob("job_1", {
    onRetry: (r) => {
      own.push(r);
      heard.push(`request ${r.path} #${r.attempt}`);
    },
  });
  await client.stopJob("job_1"); // retried too, but has no onRetry of its own
  assert.deepEqual(heard, [
    `client ${JOB_PATH} #1`,
    `request ${JOB_PATH} #1`,
    `client ${JOB_PATH} #2`,
    `request ${JOB_PATH} #2`,
    `client ${JOB_PATH}:stop #1`,
  ]);
  assert.deepEqual(own.map((r) => [r.status, r.reason]), [
    [503, "answered 503: busy"],
    [502, 'answered 502: an HTML page titled "502"'],
  ]);
  http.verify();
});

Deno.test("createJob(), stopJob() and listJobs() pass their onRetry through", async () => {
  const { http, client } = setup();
  http.on("POST", JOBS, tamrError(429, "slow down"));
  http.on("POST", JOBS, json(200, JOB));
  http.on("POST", `${JOB_PATH}:stop`, tamrError(503, "busy"));
  http.on("POST", `${JOB_PATH}:stop`, json(200, {}));
  http.on("GET", `${JOBS}?pageSize=30`, tamrError(500, "oops"));
  http.on("GET", `${JOBS}?pageSize=30`, json(200, { jobs: [JOB] }));
  const heard: string[] = [];
  const onRetry = (r: RetryInfo) => heard.push(`${r.method} ${r.path} ${r.status}`);
  await client.createJob({ load: { sourceId: "s1" } }, { onRetry });
  await client.stopJob("job_1", { onRetry });
  await collect(client.listJobs({ onRetry }));
  assert.deepEqual(heard, [
    `POST ${JOBS} 429`,
    `POST ${JOB_PATH}:stop 503`,
    `GET ${JOBS}?pageSize=30 500`,
  ]);
  http.verify();
});

Deno.test("the request timeout is a sleep on the client's clock: a hung request gives up at exactly requestTimeoutMs of virtual time", async () => {
  const clock = new VirtualClock({ start: START });
  const http = new HttpMock();
  const exchanges: ExchangeInfo[] = [];
  const client = createJobClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: http.fetch,
    clock,
    random: () => 0,
    requestTimeoutMs: 30_000,
    onExchange: (x) => exchanges.push(x),
  });
  http.on("GET", JOB_PATH, hang);
  http.on("GET", JOB_PATH, json(200, JOB));
  const job = await clock.run(() => client.getJob("job_1"));
  assert.equal(job.jobId, "job_1");
  assert.deepEqual(exchanges.map((x) => [x.status, x.durationMs, x.error]), [
    [null, 30_000, "no answer within 30s"],
    [200, 0, undefined],
  ]);
  assert.equal(clock.now() - START, 30_000, "the deadline, and a backoff of 0 ms");
  assert.equal(clock.pending, 0, "the answered request's deadline was cancelled");
  http.verify();
});

Deno.test("a request answered in time leaves no deadline behind, and a caller's abort ends a hung one", async () => {
  const clock = new VirtualClock({ start: START });
  const http = new HttpMock();
  const client = createJobClient({ baseUrl: BASE, apiKey: KEY, fetch: http.fetch, clock });
  http.on("GET", JOB_PATH, json(200, JOB));
  http.on("GET", JOB_PATH, hang);
  await clock.run(() => client.getJob("job_1"));
  assert.equal(clock.pending, 0);
  assert.equal(clock.now(), START, "no virtual time passed");
  const controller = new AbortController();
  const reason = new Error("interrupted");
  const aborted = clock.run(async () => {
    const waiting = client.getJob("job_1", { signal: controller.signal });
    await clock.sleep(5_000);
    controller.abort(reason);
    return await waiting;
  });
  await assert.rejects(aborted, (e) => e === reason);
  assert.equal(clock.now() - START, 5_000, "the abort came before the 30 s deadline");
  assert.equal(clock.pending, 0, "the hung request's deadline was cancelled");
  http.verify();
});

// ---------------------------------------------------------------------------------------------
// The key stays secret

function assertNoKey(label: string, error: unknown): void {
  const seen: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    seen.push(String(e), JSON.stringify(e) ?? "");
    if (e instanceof Error) seen.push(e.message, e.stack ?? "", e.name);
    e = e instanceof Error ? e.cause : undefined;
  }
  for (const s of seen) assert.ok(!s.includes(KEY), `${label}: the key leaked into ${s}`);
}

Deno.test("the API key appears in no error, cause, retry or exchange report", async () => {
  const echo = `echo ${KEY} echo`;
  const keyInCause: Responder = () => {
    throw new TypeError(`fetch failed for ${KEY}`, {
      cause: new Error(`tcp connect error: Connection refused (os error 111) ${KEY}`),
    });
  };
  const cases: [string, (client: JobClient) => Promise<unknown>, Responder[]][] = [
    ["400 message", (c) => c.getJob("job_1"), [tamrError(400, echo)]],
    ["401 message", (c) => c.createJob({ load: { sourceId: "s" } }), [tamrError(401, echo)]],
    ["404 google-style", (c) => c.getJob("job_1"), [json(404, { error: { message: echo } })]],
    ["403 HTML title", (c) => c.getJob("job_1"), [
      text(403, `<html><title>${echo}</title></html>`),
    ]],
    ["409 junk", (c) => c.getJob("job_1"), [text(409, echo, "text/plain")]],
    ["redirect", (c) => c.getJob("job_1"), [
      () => new Response(null, { status: 307, headers: { location: `https://x/?k=${KEY}` } }),
    ]],
    ["give up 503", (c) => c.getJob("job_1"), [tamrError(503, echo), tamrError(503, echo)]],
    ["give up non-JSON", (c) => c.getJob("job_1"), [text(200, echo), text(200, echo)]],
    ["network", (c) => c.getJob("job_1"), [keyInCause, keyInCause]],
    ["create network", (c) => c.createJob({ load: { sourceId: "s" } }), [dropped]],
    ["create key in error", (c) => c.createJob({ load: { sourceId: "s" } }), [() => {
      throw new Error(`socket hang up ${KEY}`);
    }]],
    ["create timeout", (c) => c.createJob({ load: { sourceId: "s" } }), [hang]],
    ["create 502", (c) => c.createJob({ load: { sourceId: "s" } }), [text(502, echo)]],
    ["create malformed", (c) => c.createJob({ load: { sourceId: "s" } }), [json(200, { x: KEY })]],
    ["get malformed", (c) => c.getJob("job_1"), [json(200, { jobId: KEY })]],
    ["oversized", (c) => c.getJob("job_1"), [text(200, KEY.repeat(100))]],
    ["list malformed", (c) => collect(c.listJobs()), [json(200, { jobs: [{ jobId: KEY }] })]],
    ["stop 409", (c) => c.stopJob("job_1"), [tamrError(409, echo)]],
  ];
  for (const [label, run, answers] of cases) {
    const { http, client, retries, exchanges } = setup({
      requestTimeoutMs: 20,
      maxResponseBytes: 500,
      retry: { maxAttempts: 2 },
    });
    for (const a of answers) http.on("*", "*", a);
    let thrown: unknown;
    try {
      await run(client);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof ApiError, `${label}: expected an ApiError, got ${String(thrown)}`);
    assertNoKey(label, thrown);
    assert.ok(!JSON.stringify([retries, exchanges]).includes(KEY), `${label}: reports leaked`);
    http.verify();
  }
});

Deno.test("createJobClient() checks its options without quoting the key", () => {
  assert.throws(
    () => createJobClient({ baseUrl: BASE, apiKey: "" }),
    (e: unknown) => e instanceof UsageError && /API key is empty/.test(e.message),
  );
  const badKey = `${KEY}\r\nX-Evil: 1`;
  try {
    createJobClient({ baseUrl: BASE, apiKey: badKey });
    assert.fail("a key with a line break was accepted");
  } catch (error) {
    assert.ok(error instanceof UsageError);
    assertNoKey("bad key", error);
  }
  assert.throws(
    () => createJobClient({ baseUrl: "acme.tamr.cloud", apiKey: KEY }),
    /'baseUrl' is not a URL, got "acme.tamr.cloud"/,
  );
  assert.throws(
    () => createJobClient({ baseUrl: "ftp://acme", apiKey: KEY }),
    /must be an http or https URL/,
  );
  assert.throws(
    () => createJobClient({ baseUrl: BASE, apiKey: KEY, requestTimeoutMs: 0 }),
    /'requestTimeoutMs' must be a positive number of milliseconds, got 0/,
  );
});

// ---------------------------------------------------------------------------------------------
// The real fetch path

Deno.test("against a real server: the key is sent, a 503 is retried and the job comes back", async () => {
  const seen: { path: string; key: string | null }[] = [];
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push({ path: url.pathname, key: req.headers.get("x-api-key") });
    if (n++ === 0) {
      return Response.json({ statusCode: 503, message: "warming up" }, { status: 503 });
    }
    return Response.json({ ...JOB, jobId: "a b" });
  });
  try {
    // Real time over a real socket; random() = 0 makes the backoff 0 ms.
    const client = createJobClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      apiKey: KEY,
      clock: realClock,
      random: () => 0,
    });
    const job = await client.getJob("a b");
    assert.equal(job.jobId, "a b");
    assert.deepEqual(seen, [
      { path: "/api/v1beta1/jobs/a%20b", key: KEY },
      { path: "/api/v1beta1/jobs/a%20b", key: KEY },
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("against a closed port: a create is retried as connection refused, then gives up", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const retries: RetryInfo[] = [];
  const client = createJobClient({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: KEY,
    clock: realClock,
    random: () => 0, // backoffs of 0 ms
    retry: { maxAttempts: 3 },
    onRetry: (r) => retries.push(r),
  });
  const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
  assert.equal(e.status, null);
  assert.equal(e.attempts, 3);
  assert.equal(e.ambiguous, false);
  assert.match(e.message, /got no answer \(connection refused; gave up/);
  assert.equal(retries.length, 2);
  assertNoKey("closed port", e);
});

Deno.test("against a real server: a create that times out is not re-sent", async () => {
  let posts = 0;
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  let received = () => {};
  const arrived = new Promise<void>((resolve) => received = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    posts++;
    received();
    await released; // answers only after the client gave up
    return new Response(null, { status: 204 });
  });
  // The deadline passes once the server has the request: no real waiting, and no doubt that the
  // request got there.
  const clock: Clock = {
    now: () => START,
    sleep: (_ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        void arrived.then(resolve);
      }),
  };
  try {
    const client = createJobClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      apiKey: KEY,
      clock,
      requestTimeoutMs: 50,
    });
    const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
    assert.equal(e.ambiguous, true);
    assert.equal(e.status, null);
    assert.match(e.message, /no answer within 50ms; the job may have been created/);
    assert.equal(posts, 1);
  } finally {
    release();
    await server.shutdown();
  }
});

Deno.test("against a real socket: a create whose connection drops is not re-sent", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      accepted++;
      await conn.read(new Uint8Array(4096));
      conn.close();
    }
  })();
  try {
    const client = createJobClient({
      baseUrl: `http://127.0.0.1:${listener.addr.port}`,
      apiKey: KEY,
      clock: realClock,
    });
    const e = await rejectsWith(client.createJob({ load: { sourceId: "s1" } }), ApiError);
    assert.equal(e.ambiguous, true);
    assert.equal(e.status, null);
    assert.equal(e.attempts, 1);
    assert.equal(accepted, 1);
  } finally {
    listener.close();
    await serving.catch((error: unknown) => {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    });
  }
});
