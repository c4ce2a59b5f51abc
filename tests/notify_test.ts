import assert from "node:assert/strict";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { realClock } from "../lib/kit/clock.ts";
import { UsageError } from "../lib/kit/errors.ts";
import type { Io } from "../lib/app/io.ts";
import { prepareEndReports } from "../lib/app/outputs/end_reports.ts";
import {
  checkNotifyUrl,
  type NotifyPayload,
  notifyPayload,
  sendNotification,
} from "../lib/app/outputs/notify.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";
import { endViewOf, start, step, t } from "./_events.ts";

const run: RunEvent[] = [
  start(["load:s1", "update:dp"]),
  step(0, "load:s1", "creating"),
  step(65, "load:s1", "failed", {
    jobId: "job_1",
    error: { reason: "PLANNING_FAILED", message: "Source file missing." },
  }),
  step(65, "update:dp", "skipped"),
  {
    type: "finish",
    time: t(66),
    outcome: "failed",
    exitCode: 1,
    steps: [],
    message: "load:s1 failed.",
  },
];

/** A webhook on 127.0.0.1 answering with `statuses` in turn (the last one repeats). */
function webhook(statuses: number[], options: { hang?: boolean } = {}) {
  const bodies: unknown[] = [];
  const release = Promise.withResolvers<void>();
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    assert.equal(req.method, "POST");
    assert.equal(req.headers.get("content-type"), "application/json");
    bodies.push(await req.json());
    const status = statuses[Math.min(calls++, statuses.length - 1)]!;
    if (options.hang) await release.promise;
    return new Response(status < 300 ? "ok" : "no", { status });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/services/T000/B000/secretToken123`,
    bodies,
    calls: () => calls,
    async close() {
      release.resolve();
      await server.shutdown();
    },
  };
}

const fast = { fetch, clock: realClock, backoffMs: 1, timeoutMs: 2_000 };

Deno.test("checkNotifyUrl() takes https, or http only for loopback hosts", () => {
  assert.equal(
    checkNotifyUrl("https://hooks.slack.com/services/T/B/X"),
    "https://hooks.slack.com/services/T/B/X",
  );
  assert.equal(
    checkNotifyUrl("https://x.logic.azure.com/workflows/1?api-version=1&sig=abc"),
    "https://x.logic.azure.com/workflows/1?api-version=1&sig=abc",
  );
  assert.equal(checkNotifyUrl("http://127.0.0.1:9000/hook"), "http://127.0.0.1:9000/hook");
  assert.equal(checkNotifyUrl("http://[::1]:9000/hook"), "http://[::1]:9000/hook");
  assert.throws(
    () => checkNotifyUrl("http://hooks.example.com/secretpath"),
    (e: unknown) =>
      e instanceof UsageError && /http:\/\/ only for loopback/.test(e.message) &&
      !e.message.includes("secretpath"),
  );
  assert.throws(() => checkNotifyUrl("ftp://example.com/x"), /must start with https:\/\//);
  assert.throws(() => checkNotifyUrl("not a url"), /--notify must be a URL/);
  assert.throws(() => checkNotifyUrl("https://user:pw@example.com/x"), /user name or password/);
});

Deno.test("notifyPayload() has a text for Slack and Teams and the structured outcome", () => {
  const p = notifyPayload(endViewOf(run));
  assert.equal(
    p.text,
    "❌ tamr-refresh: dp on acme failed in 1m06s (exit 1), 0 of 2 steps succeeded.\n" +
      "load:s1 failed.\n" +
      "• load:s1: failed (PLANNING_FAILED: Source file missing.)\n" +
      "• update:dp: skipped",
  );
  assert.equal(p.outcome, "failed");
  assert.equal(p.exitCode, 1);
  assert.equal(p.durationMs, 66_000);
  assert.deepEqual(p.steps.map((s) => [s.step, s.outcome, s.error?.reason ?? null]), [
    ["load:s1", "failed", "PLANNING_FAILED"],
    ["update:dp", "skipped", null],
  ]);
});

Deno.test("sendNotification() posts the JSON payload once when the webhook answers 200", async () => {
  const hook = webhook([200]);
  try {
    const payload = notifyPayload(endViewOf(run));
    const result = await sendNotification(hook.url, payload, fast);
    assert.deepEqual(result, { ok: true, attempts: 1 });
    assert.deepEqual(hook.bodies, [JSON.parse(JSON.stringify(payload))]);
  } finally {
    await hook.close();
  }
});

Deno.test("sendNotification() retries a 500 and succeeds on the next attempt", async () => {
  const hook = webhook([500, 200]);
  try {
    const result = await sendNotification(hook.url, notifyPayload(endViewOf(run)), fast);
    assert.deepEqual(result, { ok: true, attempts: 2 });
    assert.equal(hook.calls(), 2);
  } finally {
    await hook.close();
  }
});

Deno.test("sendNotification() gives up after its attempts against a webhook that always fails", async () => {
  const hook = webhook([503]);
  try {
    const result = await sendNotification(hook.url, notifyPayload(endViewOf(run)), {
      ...fast,
      attempts: 3,
    });
    assert.deepEqual(result, {
      ok: false,
      attempts: 3,
      error: "the webhook answered HTTP 503",
    });
    assert.equal(hook.calls(), 3);
  } finally {
    await hook.close();
  }
});

Deno.test("sendNotification() does not retry a 404: the URL is wrong, not busy", async () => {
  const hook = webhook([404]);
  try {
    const result = await sendNotification(hook.url, notifyPayload(endViewOf(run)), fast);
    assert.deepEqual(result, { ok: false, attempts: 1, error: "the webhook answered HTTP 404" });
  } finally {
    await hook.close();
  }
});

Deno.test("sendNotification() times out a webhook that never answers", async () => {
  const hook = webhook([200], { hang: true });
  try {
    const result = await sendNotification(hook.url, notifyPayload(endViewOf(run)), {
      ...fast,
      attempts: 2,
      timeoutMs: 50,
    });
    assert.equal(result.ok, false);
    assert.equal(result.attempts, 2);
    assert.match((result as { error: string }).error, /no answer within 50ms/);
  } finally {
    await hook.close();
  }
});

Deno.test("sendNotification() keeps the webhook's secret path out of its error", async () => {
  const url = "https://hooks.example.com/services/T000/B000/secretToken123";
  const result = await sendNotification(url, notifyPayload(endViewOf(run)), {
    ...fast,
    attempts: 1,
    // Some fetch errors quote the URL they were sending to.
    fetch: (input) =>
      Promise.reject(new TypeError(`error sending request for url (${String(input)}): refused`)),
  });
  assert.deepEqual(result, {
    ok: false,
    attempts: 1,
    error: "the request failed: error sending request for url (https://hooks.example.com): refused",
  });
});

Deno.test("the end reports warn when the webhook keeps failing, and never throw", async () => {
  const hook = webhook([500]);
  let err = "";
  const io = {
    env: {},
    secrets: new Set<string>(),
    err: (s: string) => void (err += s),
    out: () => {},
    fetch,
    clock: realClock,
  } as unknown as Io;
  try {
    const warnings: string[] = [];
    await prepareEndReports(io, { notify: hook.url }, { backoffMs: 1 }).write(
      endViewOf(run),
      (m) => warnings.push(m),
    );
    assert.equal(hook.calls(), 3);
    assert.equal(err, "");
    assert.equal(warnings.length, 1);
    const warning = warnings[0]! + "\n";
    assert.match(
      warning,
      /^Could not send the run summary to http:\/\/127\.0\.0\.1:\d+ \(--notify\) after 3 attempts: the webhook answered HTTP 500\. The run's exit code is unchanged\.\n$/,
    );
    assert.ok(!warning.includes("secretToken123"));
  } finally {
    await hook.close();
  }
});

const runArgs = (baseUrl: string, notify: string) => [
  "run",
  "--base-url",
  baseUrl,
  "--source",
  "s1",
  "--data-product",
  "dp",
  "--poll-interval",
  "200ms",
  "--notify",
  notify,
];

async function withSim(fn: (baseUrl: string, env: Record<string, string>) => Promise<void>) {
  const sim = await startSimTenant({
    scenario: { pendingMs: 50, durations: { default: 100 } },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-notify-" });
  try {
    await fn(sim.baseUrl, childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir }));
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run --notify posts the summary when the run ends, without the API key", async () => {
  const hook = webhook([200]);
  try {
    await withSim(async (baseUrl, env) => {
      const r = await runCli(runArgs(baseUrl, hook.url), env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(hook.bodies.length, 1);
      const body = hook.bodies[0] as NotifyPayload;
      assert.equal(body.outcome, "succeeded");
      assert.equal(body.exitCode, 0);
      assert.match(body.text, /^✅ tamr-refresh: dp on 127\.0\.0\.1 succeeded in .* 2 of 2 steps/);
      assert.deepEqual(body.steps.map((s) => [s.step, s.outcome]), [
        ["load:s1", "succeeded"],
        ["update:dp", "succeeded"],
      ]);
      assert.ok(!JSON.stringify(body).includes(SECRET_KEY));
      assert.ok(!r.stderr.includes("warning"), r.stderr);
    });
  } finally {
    await hook.close();
  }
});

Deno.test("run --notify to a webhook that always fails warns and keeps the run's exit code", async () => {
  const hook = webhook([500]);
  try {
    await withSim(async (baseUrl, env) => {
      const r = await runCli(runArgs(baseUrl, hook.url), env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(hook.calls(), 3);
      // A warning event of the run, so it shows where the run's lines go (stdout in text mode).
      assert.match(
        r.stdout,
        /warning: Could not send the run summary to http:\/\/127\.0\.0\.1:\d+/,
      );
      const finish = r.stdout.indexOf("Run succeeded");
      assert.ok(
        finish > r.stdout.indexOf("Could not send"),
        "the warning comes before the summary",
      );
      assert.ok(!(r.stdout + r.stderr).includes("secretToken123"));
    });
  } finally {
    await hook.close();
  }
});

Deno.test("run --notify with a plain-http remote URL is a usage error: exit 2, nothing created", async () => {
  const sim = await startSimTenant({ apiKey: SECRET_KEY });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-notify-" });
  try {
    const r = await runCli(
      runArgs(sim.baseUrl, "http://hooks.example.com/services/x"),
      childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir }),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--notify may use http:\/\/ only for loopback hosts/);
    assert.equal(sim.creates().length, 0);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
