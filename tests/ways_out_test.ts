/**
 * Every way out of a run stops the jobs it started: a closed terminal (SIGHUP), a closed stdout
 * (`| head`), a poll that cannot go on, a refused key, an unexpected error; and a job of another
 * run it attached to is never stopped by it.
 */
import assert from "node:assert/strict";
import { childEnv, MAIN, SECRET_KEY, spawnCli, waitFor, withSim } from "./_cli.ts";
import type { Scenario } from "../lib/sim/scenario.ts";

const args = (baseUrl: string, ...more: string[]) => [
  "run",
  "--base-url",
  baseUrl,
  "--source",
  "s1",
  "--source",
  "s2",
  "--data-product",
  "dp",
  ...more,
];
const env = (stateDir: string) => childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: stateDir });
const long: Scenario = { pendingMs: 50, durations: { default: 600_000 } };

Deno.test("SIGHUP (a closed terminal) stops the jobs in flight, waits for DONE, and exits 129", async () => {
  await withSim(long, async (sim, stateDir) => {
    const p = spawnCli(args(sim.baseUrl), env(stateDir));
    await waitFor(() => sim.creates().length === 2, 15_000, "both source jobs to be created");
    await waitFor(() => /running/.test(p.output().stdout), 10_000, "the run to report them");
    p.child.kill("SIGHUP");
    const r = await p.done();
    assert.equal(r.code, 129, r.stderr + r.stdout);
    for (const j of sim.creates()) {
      assert.equal(j.status.state, "DONE", `${j.jobId} reached DONE`);
      assert.equal(j.status.error?.reason, "STOPPED_BY_USER");
    }
    assert.match(r.stdout, /Interrupted by SIGHUP/);
  });
});

Deno.test("a closed stdout (| head) is an interrupt: jobs stopped, exit 141, no stack trace", async () => {
  await withSim(long, async (sim, stateDir) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", MAIN, ...args(sim.baseUrl, "--output", "json")],
      env: env(stateDir),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (c) => void (stderr += c) }),
    );
    // Read like `head -1`, once both jobs run, then go away.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!/"state":"running"[^\n]*\n[\s\S]*"state":"running"/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert.equal(sim.creates().length, 2, "both source jobs were created");
    await reader.cancel();
    const status = await child.status;
    await errDone;
    assert.equal(status.code, 141, stderr);
    assert.doesNotMatch(stderr, /a bug|at file:|BrokenPipe/);
    for (const j of sim.creates()) {
      assert.equal(j.status.state, "DONE", `${j.jobId} reached DONE`);
      assert.equal(j.status.error?.reason, "STOPPED_BY_USER");
    }
    assert.match(stderr, /standard output was closed/);
  });
});
