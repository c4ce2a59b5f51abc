import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { childEnv, runCli, SECRET_KEY, spawnCli, waitFor } from "./_cli.ts";

async function withJobs(
  durations: Record<string, number>,
  fn: (baseUrl: string, ids: Record<string, string>) => Promise<void>,
) {
  const sim = await startSimTenant({
    scenario: {
      pendingMs: 20,
      durations,
      failures: { "load:bad": { reason: "PLANNING_FAILED", message: "Nope." } },
    },
    apiKey: SECRET_KEY,
  });
  try {
    const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: SECRET_KEY });
    const ids: Record<string, string> = {};
    for (const s of ["ok", "bad", "slow"]) {
      ids[s] = (await client.createJob({ load: { sourceId: s } })).jobId;
    }
    await fn(sim.baseUrl, ids);
  } finally {
    await sim.close();
  }
}

const env = (baseUrl: string) => childEnv({ TAMR_API_KEY: SECRET_KEY, TAMR_BASE_URL: baseUrl });

Deno.test("jobs get prints one job, and --output json prints it as JSON", async () => {
  await withJobs({ default: 100, "load:slow": 60_000 }, async (baseUrl, ids) => {
    const text = await runCli(["jobs", "get", ids.slow!], env(baseUrl));
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${ids.slow} +load:slow +(PENDING|RUNNING)`));
    const json = await runCli(["jobs", "get", ids.ok!, "--output", "json"], env(baseUrl));
    assert.equal(JSON.parse(json.stdout).jobId, ids.ok);
    const missing = await runCli(["jobs", "get", "job_missing"], env(baseUrl));
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /404/);
  });
});

Deno.test("jobs list shows recent jobs newest first, and --running only unfinished ones", async () => {
  await withJobs({ default: 100, "load:slow": 60_000 }, async (baseUrl, ids) => {
    // Until the short jobs have ended (one succeeded, one failed).
    let all = await runCli(["jobs", "list"], env(baseUrl));
    while (!/PLANNING_FAILED/.test(all.stdout) || !/SUCCEEDED/.test(all.stdout)) {
      assert.equal(all.code, 0, all.stderr);
      all = await runCli(["jobs", "list"], env(baseUrl));
    }
    assert.equal(all.code, 0, all.stderr);
    // The columns line up, however long the state (PLANNING_FAILED): "since" starts each at once.
    const lines = all.stdout.trimEnd().split("\n");
    const since = lines[0]!.indexOf("since");
    for (const line of lines.slice(1)) assert.match(line.slice(since), /^\d{4}-\d\d-\d\d /, line);
    const rows = all.stdout.trim().split("\n").slice(1).map((l) => l.split(/ +/)[0]);
    assert.deepEqual(rows, [ids.slow, ids.bad, ids.ok]);
    const running = await runCli(["jobs", "list", "--running"], env(baseUrl));
    assert.deepEqual(running.stdout.trim().split("\n").slice(1).map((l) => l.split(/ +/)[0]), [
      ids.slow,
    ]);
    assert.match(all.stdout, /PLANNING_FAILED/);
  });
});

Deno.test("jobs watch exits 0 on success and 1 on a failed job", async () => {
  await withJobs({ default: 300, "load:slow": 60_000 }, async (baseUrl, ids) => {
    const ok = await runCli(["jobs", "watch", ids.ok!], env(baseUrl));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /DONE +succeeded/);
    const bad = await runCli(["jobs", "watch", ids.bad!], env(baseUrl));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /PLANNING_FAILED: Nope\./);
  });
});

Deno.test("jobs stop stops a running job and waits until it is DONE", async () => {
  await withJobs({ default: 100, "load:slow": 60_000 }, async (baseUrl, ids) => {
    const r = await runCli(["jobs", "stop", ids.slow!], env(baseUrl));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DONE +STOPPED_BY_USER/);
  });
});

Deno.test("jobs watch interrupted by SIGINT exits 130 and leaves a job it did not start alone", async () => {
  await withJobs({ default: 100, "load:slow": 60_000 }, async (baseUrl, ids) => {
    const p = spawnCli(["jobs", "watch", ids.slow!], env(baseUrl));
    await waitFor(() => /RUNNING/.test(p.output().stderr), 10_000, "the watch to see RUNNING");
    p.child.kill("SIGINT");
    const r = await p.done();
    assert.equal(r.code, 130);
    const after = await runCli(["jobs", "get", ids.slow!], env(baseUrl));
    assert.match(after.stdout, /RUNNING/);
    for (const out of [r.stdout, r.stderr, after.stdout]) assert.ok(!out.includes(SECRET_KEY));
  });
});

Deno.test("jobs get -v prints one line per HTTP exchange on stderr, without the key", async () => {
  await withJobs({ default: 100 }, async (baseUrl, ids) => {
    const r = await runCli(["jobs", "get", ids.ok!, "-v"], env(baseUrl));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^\\d\\d:\\d\\d:\\d\\d http GET /api/v1beta1/jobs/${ids.ok} 200 \\d+ms attempt 1$`,
        "m",
      ),
    );
    assert.ok(!r.stderr.includes(SECRET_KEY));
  });
});
