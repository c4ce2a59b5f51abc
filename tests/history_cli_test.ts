/**
 * `tamr-refresh history` as a subprocess, after real runs of the CLI against the simulated
 * tenant: text and JSON, the plan found by the same flags as `run`, no history yet, bad flags.
 */
import assert from "node:assert/strict";
import type { Scenario } from "../lib/sim/scenario.ts";
import { childEnv, runCli, SECRET_KEY, withSim } from "./_cli.ts";

const fast: Scenario = {
  pendingMs: 50,
  durations: { default: 200, "load:s2": 400 },
  failures: { "index:wf": { reason: "PLANNING_FAILED", message: "No plan.", times: 1 } },
};

const plan = (baseUrl: string) => [
  "--base-url",
  baseUrl,
  "--data-product",
  "dp",
];
const runArgs = (baseUrl: string) => [
  "run",
  ...plan(baseUrl),
  "--source",
  "s1,s2",
  "--workflow",
  "wf",
  "--poll-interval",
  "200ms",
];

Deno.test("history after two runs: text newest first with trends, and the contract's JSON", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const env = childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: stateDir });
    const first = await runCli(runArgs(baseUrl), env);
    assert.equal(first.code, 1, "the index fails once");
    const second = await runCli(runArgs(baseUrl), env);
    assert.equal(second.code, 0, second.stderr);

    // No API key needed: the history is on this machine.
    const noKey = childEnv({ XDG_STATE_HOME: stateDir });
    const text = await runCli(["history", ...plan(baseUrl)], noKey);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split("\n");
    for (const l of lines) assert.ok(l.length <= 80, `over 80 columns: ${l}`);
    assert.match(lines[0]!, /^Runs of dp on http:\/\/127\.0\.0\.1:\d+, newest first:$/);
    const runs = lines.filter((l) => /^ {2}\d{4}-\d\d-\d\d /.test(l));
    assert.equal(runs.length, 2, text.stdout);
    assert.match(runs[0]!, / succeeded +\S+ +load:s2 \(\S+\)$/, "the slowest step, newest first");
    assert.match(runs[1]!, / failed /);
    assert.match(text.stdout, /^ {2}index:wf +\S+ +\S+ +×▄$/m, "failed once, then succeeded");
    assert.match(text.stdout, /^ {2}load:s2 +\S+ +\S+ +[▁▂▃▄▅▆▇█]{2}$/m);

    const json = await runCli(["history", ...plan(baseUrl), "--output", "json"], noKey);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.trimEnd().split("\n").length, 1, "one object");
    const out = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(out), ["runs"]);
    assert.deepEqual(out.runs.map((r: { outcome: string }) => r.outcome), ["succeeded", "failed"]);
    for (const r of out.runs) {
      assert.deepEqual(Object.keys(r), ["runId", "startedAt", "outcome", "durationMs", "steps"]);
      assert.match(r.runId, /^\d{8}T\d{6}Z(-\d+)?$/);
      for (const s of r.steps) {
        assert.deepEqual(Object.keys(s), ["step", "outcome", "waitMs", "runMs"]);
      }
    }
    const steps = (i: number) => out.runs[i].steps.map((s: { step: string }) => s.step);
    assert.deepEqual(steps(0), ["load:s1", "load:s2", "update:dp", "index:wf"]);
    const s2 = out.runs[0].steps[1];
    assert.ok(s2.waitMs >= 50 && s2.runMs >= 400, JSON.stringify(s2));

    const one = await runCli(
      ["history", ...plan(baseUrl), "--limit", "1", "--output", "json"],
      noKey,
    );
    assert.equal(JSON.parse(one.stdout).runs.length, 1);
    const state = `${stateDir}/tamr-refresh/127.0.0.1_${new URL(baseUrl).port}--dp.json`;
    const byState = await runCli(["history", "--state", state, "--output", "json"], noKey);
    assert.deepEqual(JSON.parse(byState.stdout), out, "--state FILE finds the same history");
  });
});

Deno.test("history with none yet says which file it looked at and exits 0; bad flags exit 2", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "tamr-refresh-history-" });
  try {
    const env = childEnv({ XDG_STATE_HOME: stateDir });
    const none = await runCli(["history", "--tenant", "acme", "--data-product", "dp"], env);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(
      none.stdout,
      `No runs recorded yet for this plan: there is no history at ${stateDir}/tamr-refresh/` +
        `acme.tamr.cloud_443--dp.history.jsonl. Each run that creates a job adds one.\n`,
    );
    const json = await runCli(["history", "--state", "j.json", "--output", "json"], env);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { runs: [] });
    assert.match(json.stderr, /no history at j\.history\.jsonl/);

    for (
      const [args, message] of [
        [["--state", "j.json", "--limit", "0"], /--limit must be a whole number from 1 to 100/],
        [["--state", "j.json", "--output", "yaml"], /--output must be text or json/],
        [["--tenant", "acme"], /No data product given/],
        [["--tenant", "acme", "--data-product", "dp", "--bogus"], /unknown option '--bogus'/],
      ] as const
    ) {
      const r = await runCli(["history", ...args], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});
