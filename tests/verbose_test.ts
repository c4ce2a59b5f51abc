/**
 * `--verbose`: one line per HTTP exchange on stderr (method, path, status, duration, attempt),
 * never the key, also when the exchange failed and its cause is described.
 */
import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { createJobClient } from "../lib/kit/api/client.ts";
import { type Clock, realClock } from "../lib/kit/clock.ts";
import { ApiError, exitCodeFor } from "../lib/kit/errors.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";
import { fakeIo } from "./_io.ts";
import { fileExists } from "../lib/app/real_io.ts";

/** `14:03:07 http GET /api/v1beta1/jobs/job_1 200 12ms attempt 1`, with `(why)` when there was no answer. */
const LINE =
  /^\d\d:\d\d:\d\d http (GET|POST) (\/api\/v1beta1\/jobs\S*) (\d{3}|-) (\d+)ms attempt (\d+)(?: \((.+)\))?$/;

const httpLines = (stderr: string) =>
  stderr.split("\n").filter((l) => /^\d\d:\d\d:\d\d http /.test(l));

const runFlags = (baseUrl: string, state: string) => [
  "run",
  "--base-url",
  baseUrl,
  "--source",
  "s1",
  "--source",
  "s2",
  "--data-product",
  "dp",
  "--destination",
  "d1",
  "--poll-interval",
  "100ms",
  "--request-timeout",
  "300ms",
  "--state",
  state,
  "--output",
  "json",
];

Deno.test("--verbose prints one line per HTTP exchange on stderr, with status, duration and attempt", async () => {
  const scenario: Scenario = {
    pendingMs: 30,
    durations: { default: 200 },
    faults: [
      { kind: "status", status: 503, path: "get", retryAfter: "0", times: 2 },
      // Polls are GETs of a job or shared lists: either may meet the drop and the hang.
      { kind: "drop", method: "GET", after: 3 },
      { kind: "hang", method: "GET", after: 5 },
      { kind: "html", path: "list", times: 1 },
      { kind: "lostCreate", step: "update:dp" },
    ],
  };
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-verbose-" });
  try {
    const env = childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir });
    const r = await runCli([...runFlags(sim.baseUrl, `${dir}/j.json`), "--verbose"], env);
    assert.equal(r.code, 0, r.stderr);

    const lines = httpLines(r.stderr);
    assert.equal(lines.length, sim.requests.length, "one line per request the tenant received");
    const parsed = lines.map((l) => {
      const m = LINE.exec(l);
      assert.ok(m, `a well-formed exchange line: ${l}`);
      return { method: m[1]!, path: m[2]!, status: m[3]!, attempt: Number(m[5]), why: m[6] };
    });
    // The same exchanges, in the same order as the tenant saw them (method, path and status).
    const seen = sim.requests.map((q) => `${q.method} ${q.path}${q.query}`).sort();
    assert.deepEqual(parsed.map((p) => `${p.method} ${p.path}`).sort(), seen);
    assert.ok(parsed.some((p) => p.status === "503" && p.attempt === 1), "the 503 is shown");
    assert.ok(parsed.some((p) => p.attempt >= 2), "a retry shows its attempt number");
    const noAnswer = parsed.filter((p) => p.status === "-");
    assert.ok(noAnswer.length >= 3, "the drop, the hang and the lost create have no status");
    for (const p of noAnswer) assert.ok(p.why, `an exchange without an answer says why: ${p.path}`);
    assert.ok(noAnswer.some((p) => /no answer within 300ms/.test(p.why!)), "the hung poll");
    assert.ok(parsed.some((p) => p.status === "502"), "the HTML page's status");
    assert.ok(parsed.some((p) => p.method === "POST" && p.status === "200"), "the creates");

    // stdout stays pure NDJSON; the key is nowhere.
    for (const l of r.stdout.trimEnd().split("\n")) JSON.parse(l);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET_KEY), "the key is never printed");
    assert.ok(!/x-api-key/i.test(r.stderr), "no header is printed");

    const quiet = await runCli(runFlags(sim.baseUrl, `${dir}/j2.json`), env);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.deepEqual(httpLines(quiet.stderr), [], "without --verbose, no exchange lines");
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A fetch whose failures quote the key, as a careless proxy or HTTP stack might. */
function leakyFetch(failures: { remaining: number }): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes("/jobs/") && failures.remaining-- > 0) {
      const inner = new Error(`proxy tunnel refused for X-API-KEY: ${SECRET_KEY}`);
      return Promise.reject(
        new TypeError(`error sending request for ${url} (key ${SECRET_KEY})`, { cause: inner }),
      );
    }
    return fetch(input, init);
  };
}

/** The effects of one in-process CLI run, with stdout and stderr captured and not redacted. */
function captureIo(env: Record<string, string>, fetchFn: typeof fetch, clock: Clock = realClock) {
  const out: string[] = [];
  const err: string[] = [];
  const io = fakeIo(new Map(), {
    env,
    // Left empty on purpose: the CLI's last-resort redaction is not what is under test.
    secrets: new Set(),
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readTextFile: (p) => Deno.readTextFile(p),
    writeTextFile: (p, t) => Deno.writeTextFile(p, t),
    exists: fileExists,
    fetch: fetchFn,
    createFetch: fetchFn,
    clock,
  });
  return { io, out, err };
}

Deno.test("--verbose never prints the key, even when a failed exchange's cause quotes it", async () => {
  const sim = await startSimTenant({
    scenario: { pendingMs: 20, durations: { default: 100 } },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-verbose-" });
  try {
    const env = { TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir, CI: "true" };
    // Two failed polls are retried and the run succeeds; every failure is shown with its cause.
    const some = captureIo(env, leakyFetch({ remaining: 2 }));
    const code = await cli(
      [...runFlags(sim.baseUrl, `${dir}/a.json`), "--output", "text", "--verbose"],
      some.io,
    );
    const stderr = some.err.join("");
    assert.equal(code, 0, stderr);
    const failed = httpLines(stderr).filter((l) => / - \d+ms attempt /.test(l));
    assert.equal(failed.length, 2, stderr);
    for (const l of failed) {
      assert.match(l, /\(network error: proxy tunnel refused for X-API-KEY: \*\*\*\)$/);
    }

    // Every poll fails: the polls ride it out until --timeout, the stops fail too, and the run
    // exits 3 with every failure's message (from the cause) shown.
    // Waits that pass without waiting, so the retries give up at once; but not a request's
    // deadline (a sleep on the client's clock too): the requests to the tenant go over TCP.
    let skipped = 0;
    const requestTimeoutMs = 300; // --request-timeout in runFlags
    const instant: Clock = {
      now: () => Date.now() + skipped,
      sleep: (ms, signal) => {
        // A request's deadline, and waits of a minute or more (the output's heartbeat, which
        // would otherwise spin): real sleeps; retry waits (30 s at most) pass at once.
        if (ms === requestTimeoutMs || ms >= 60_000) return realClock.sleep(ms, signal);
        skipped += ms;
        return Promise.resolve();
      },
    };
    const all = captureIo(env, leakyFetch({ remaining: 1_000 }), instant);
    let exit: number;
    try {
      exit = await cli([...runFlags(sim.baseUrl, `${dir}/b.json`), "--verbose"], all.io);
    } catch (e) {
      exit = exitCodeFor(e);
    }
    const everything = [...some.out, ...some.err, ...all.out, ...all.err].join("");
    assert.equal(exit, 3, all.err.join(""));
    assert.match(all.err.join(""), /proxy tunnel refused for X-API-KEY: \*\*\*/);
    assert.ok(!everything.includes(SECRET_KEY), "the key is in no line printed");
    for (const name of ["a.json", "b.json"]) {
      assert.ok(!(await Deno.readTextFile(`${dir}/${name}`)).includes(SECRET_KEY), "nor journal");
    }
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the error a failed exchange throws keeps no trace of the key along its cause chain", async () => {
  const client = createJobClient({
    baseUrl: "http://127.0.0.1:9",
    apiKey: SECRET_KEY,
    fetch: leakyFetch({ remaining: 1_000 }),
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const error = await client.getJob("job_1").then(() => null, (e: unknown) => e);
  assert.ok(error instanceof ApiError, String(error));
  const chain: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null; e = (e as Error).cause) {
    chain.push(String(e), (e as Error).message ?? "", (e as Error).stack ?? "");
  }
  assert.ok(chain.length >= 6, "the cause is kept");
  assert.match(chain.join("\n"), /proxy tunnel refused for X-API-KEY: \*\*\*/);
  assert.ok(!chain.join("\n").includes(SECRET_KEY), "the key is nowhere along the chain");
});
