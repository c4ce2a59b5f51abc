import assert from "node:assert/strict";
import type { Scenario } from "../lib/sim/scenario.ts";
import {
  childEnv,
  type CliResult,
  MAIN,
  ROOT,
  runCli,
  SECRET_KEY,
  spawnCli,
  waitFor,
  withSim,
} from "./_cli.ts";

/** Everything every CLI run printed, searched for the key at the end. */
const printed: string[] = [];

const pipelineArgs = (baseUrl: string) => [
  "run",
  "--base-url",
  baseUrl,
  "--source",
  "s1",
  "--source",
  "s2",
  "--data-product",
  "dp",
  "--workflow",
  "wf",
  "--destination",
  "d1",
  "--poll-interval",
  "200ms",
];

const env = (stateDir: string, extra: Record<string, string> = {}) =>
  childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: stateDir, ...extra });

function record<R extends { stdout: string; stderr: string }>(r: R): R {
  printed.push(r.stdout, r.stderr);
  return r;
}

const fast: Scenario = { pendingMs: 50, durations: { default: 300 } };

Deno.test("run exits 0 when every step succeeded, in plan order", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const r = record(await runCli(pipelineArgs(baseUrl), env(stateDir)));
    assert.equal(r.code, 0, r.stderr);
    const order = [...r.stdout.matchAll(/^\S+ (\S+) +job_\S+ +succeeded/gm)].map((m) => m[1]);
    assert.deepEqual(order.slice(2, 3), ["update:dp"], r.stdout);
    assert.deepEqual(new Set(order.slice(0, 2)), new Set(["load:s1", "load:s2"]));
    assert.deepEqual(new Set(order.slice(3)), new Set(["index:wf", "publish:d1"]));
    assert.match(r.stdout, /Run succeeded .*\(exit 0\)/);
  });
});

Deno.test("run --output json prints NDJSON on stdout as the contract says", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const r = record(await runCli([...pipelineArgs(baseUrl), "--output", "json"], env(stateDir)));
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.equal(events[0].type, "start");
    assert.equal(events[0].version, 1);
    const finish = events.at(-1);
    assert.equal(finish.type, "finish");
    assert.equal(finish.outcome, "succeeded");
    assert.equal(finish.exitCode, 0);
    assert.equal(finish.steps.length, 5);
    for (const s of finish.steps) {
      assert.deepEqual(Object.keys(s).sort(), [
        "durationMs",
        "error",
        "jobId",
        "kind",
        "outcome",
        "step",
        "target",
      ]);
      assert.equal(s.outcome, "succeeded");
    }
    for (const e of events) assert.ok(!Number.isNaN(Date.parse(e.time)), "every event has a time");
    assert.match(r.stderr, /Run succeeded/, "human lines go to stderr");
  });
});

Deno.test("run exits 1 when a source fails, and the data product is never created", async () => {
  const scenario: Scenario = {
    ...fast,
    failures: { "load:s2": { reason: "PLANNING_FAILED", message: "Source file is missing." } },
  };
  await withSim(scenario, async (sim, stateDir) => {
    const r = record(await runCli(pipelineArgs(sim.baseUrl), env(stateDir)));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /load:s2 .*failed.*PLANNING_FAILED: Source file is missing\./);
    assert.match(r.stdout, /^update:dp +- +skipped/m);
    const created = sim.creates().map((j) => JSON.stringify(j.configuration));
    assert.ok(!created.some((c) => c.includes("dataProductId")), "no update or publish job");
  });
});

Deno.test("bad input exits 2 with a message naming what to fix, and creates nothing", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const cases: [string[], RegExp][] = [
      [["run", "--tenant", "Not_A_Label", "--source", "s", "--data-product", "d"], /--tenant/],
      [["run", "--base-url", baseUrl, "--data-product", "d"], /No source given/],
      [["run", "--base-url", baseUrl, "--source", "s"], /No data product given/],
      [[...pipelineArgs(baseUrl), "--concurrency", "0"], /--concurrency/],
      [[...pipelineArgs(baseUrl), "--output", "xml"], /--output/],
      [[...pipelineArgs(baseUrl), "--bogus"], /unknown option/],
      [
        [...pipelineArgs(baseUrl), "--resume", "--state", `${stateDir}/none.json`],
        /no run journal/,
      ],
      [
        ["run", "--base-url", "http://example.com", "--source", "s", "--data-product", "d"],
        /loopback/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = record(await runCli(args, env(stateDir)));
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.ok(!r.stderr.includes("    at "), "no stack trace for a usage error");
    }
    const noKey = record(
      await runCli(pipelineArgs(baseUrl), childEnv({ XDG_STATE_HOME: stateDir })),
    );
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /TAMR_API_KEY is not set/);
  });
  // Nothing was created by any of them: checked on a fresh tenant per run above.
});

Deno.test("a job past --timeout is stopped and the run exits 3", async () => {
  const scenario: Scenario = { pendingMs: 50, durations: { default: 60_000 } };
  await withSim(scenario, async (sim, stateDir) => {
    const r = record(
      await runCli(
        [
          "run",
          "--base-url",
          sim.baseUrl,
          "--source",
          "s1",
          "--data-product",
          "dp",
          "--timeout",
          "1s",
        ],
        env(stateDir),
      ),
    );
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /load:s1 .*timed_out/);
    const jobs = sim.creates();
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.status.state, "DONE", "the job was stopped, not left running");
    assert.equal(jobs[0]!.status.error?.reason, "STOPPED_BY_USER");
  });
});

Deno.test("a refused key exits 4 with Tamr's message and without the key", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const wrong = "wrong_key_also_secret_123";
    const r = record(
      await runCli(pipelineArgs(baseUrl), env(stateDir, { TAMR_API_KEY: wrong })),
    );
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stdout + r.stderr, /401/);
    assert.ok(!(r.stdout + r.stderr).includes(wrong), "the refused key is not printed");
  });
});

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`${signal} stops the jobs in flight, waits for DONE, and exits ${code}`, async () => {
    const scenario: Scenario = { pendingMs: 50, durations: { default: 60_000 } };
    await withSim(scenario, async (sim, stateDir) => {
      const p = spawnCli(pipelineArgs(sim.baseUrl), env(stateDir));
      await waitFor(() => sim.creates().length === 2, 15_000, "both source jobs to be created");
      await waitFor(() => /running/.test(p.output().stdout), 5_000, "the run to report them");
      p.child.kill(signal);
      const r = record(await p.done());
      assert.equal(r.code, code, r.stderr + r.stdout);
      const jobs = sim.creates();
      assert.equal(jobs.length, 2, "nothing else was created");
      for (const j of jobs) {
        assert.equal(j.status.state, "DONE", `${j.jobId} reached DONE`);
        assert.equal(j.status.error?.reason, "STOPPED_BY_USER");
      }
      assert.match(r.stdout, /--resume --state/, "the resume command is printed");
    });
  });
}

Deno.test("--leave-running on SIGINT leaves the jobs running and keeps them in the journal", async () => {
  const scenario: Scenario = { pendingMs: 50, durations: { default: 60_000 } };
  await withSim(scenario, async (sim, stateDir) => {
    const state = `${stateDir}/j.json`;
    const p = spawnCli(
      [...pipelineArgs(sim.baseUrl), "--leave-running", "--state", state],
      env(stateDir),
    );
    await waitFor(() => sim.creates().length === 2, 15_000, "both source jobs");
    await waitFor(() => /running/.test(p.output().stdout), 5_000, "the run to report them");
    p.child.kill("SIGINT");
    const r = record(await p.done());
    assert.equal(r.code, 130);
    for (const j of sim.creates()) assert.notEqual(j.status.state, "DONE");
    const journal = JSON.parse(await Deno.readTextFile(state));
    const ids = Object.values(journal.steps).map((s) => (s as { jobId?: string }).jobId).sort();
    assert.deepEqual(ids, sim.creates().map((j) => j.jobId).sort());
  });
});

Deno.test("--dry-run prints the plan with the exact bodies and creates nothing", async () => {
  await withSim(fast, async ({ baseUrl }, stateDir) => {
    const r = record(await runCli([...pipelineArgs(baseUrl), "--dry-run"], env(stateDir)));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /load:s1/);
    assert.match(
      r.stdout,
      /POST \/api\/v1beta1\/jobs \{"configuration":\{"publish":\{"destinationId":"d1","dataProductId":"dp"\}\}\}/,
    );
    assert.match(r.stdout, /nothing was created/);
  });
});

Deno.test("demo --headless runs the sample pipeline to success", async () => {
  // A hundred times faster than the demo's usual 14 s: the same steps, the same outcome.
  const r = record(await runCli(["demo", "--headless", "--speed", "100"], childEnv()));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /All 9 steps succeeded/);
});

Deno.test("demo --speed outside 1-1000 is a usage error, exit 2", async () => {
  for (const speed of ["0", "1001", "fast", "-2"]) {
    const r = record(await runCli(["demo", "--headless", "--speed", speed], childEnv()));
    assert.equal(r.code, 2, `--speed ${speed}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--speed must be a number from 1 to 1000, got "${speed}"`));
    assert.doesNotMatch(r.stdout, /steps succeeded/);
  }
});

Deno.test("--help shows examples, the environment and the exit codes", async () => {
  const r = record(await runCli(["run", "--help"], childEnv()));
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /TAMR_API_KEY/);
  assert.match(r.stdout, /130 +interrupted/);
  assert.match(r.stdout, /^ {2}141 +stdout's reader went away/m);
  assert.match(r.stdout, /^ {2}5 +another run holds this run's journal \(its pid, host and start/m);
  assert.match(r.stdout, /never a job of another live\s+run that it attached to/);
  assert.match(r.stdout, /--fresh +start a new run over an unfinished journal/);
});

Deno.test("a second SIGINT while jobs are stopping exits 130 at once", async () => {
  // Stopping takes a simulated minute, so only the second signal can end the run quickly.
  const scenario: Scenario = { pendingMs: 50, stoppingMs: 60_000, durations: { default: 60_000 } };
  await withSim(scenario, async (sim, stateDir) => {
    const p = spawnCli(pipelineArgs(sim.baseUrl), env(stateDir));
    await waitFor(() => sim.creates().length === 2, 15_000, "both source jobs to be created");
    await waitFor(() => /RUNNING/.test(p.output().stdout), 5_000, "the jobs to run");
    p.child.kill("SIGINT");
    await waitFor(() => /stopping/.test(p.output().stdout), 5_000, "the stop to begin");
    p.child.kill("SIGINT");
    const r = record(await p.done());
    assert.equal(r.code, 130);
    for (const j of sim.creates()) {
      assert.equal(j.status.state, "STOPPING", "the stop was asked for");
    }
  });
});

/** The names in `dir`, but the temporary files of a write in flight. */
async function filesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (!e.name.endsWith(".tmp")) out.push(e.name);
  return out.sort();
}

Deno.test("a second run on the same journal exits 5 naming the first's pid, and creates nothing", async () => {
  const scenario: Scenario = { pendingMs: 50, durations: { default: 60_000 } };
  await withSim(scenario, async (sim, stateDir) => {
    const args = [...pipelineArgs(sim.baseUrl), "--state", `${stateDir}/j.json`];
    const first = spawnCli(args, env(stateDir));
    let firstDone = false;
    void first.child.status.then(() => firstDone = true);
    try {
      await waitFor(() => sim.creates().length === 2, 15_000, "the first run's source jobs");
      await waitFor(() => /running/.test(first.output().stdout), 5_000, "the first run to run");
      const files = await filesIn(stateDir);
      assert.deepEqual(files, ["j.json", "j.json.lock"]);

      // Its own --timeout, so that a second run let through would end soon, not with the first.
      const second = record(await runCli([...args, "--timeout", "2s"], env(stateDir)));
      assert.equal(second.code, 5, second.stderr);
      assert.match(
        second.stderr,
        new RegExp(`held by another run: pid ${first.child.pid} on \\S+, since \\d{4}-\\d\\d-`),
      );
      assert.match(second.stderr, /Nothing was created/);
      assert.ok(!second.stderr.includes("    at "), "no stack trace");
      assert.equal(second.stdout, "");
      assert.equal(sim.creates().length, 2, "the second run created no job");
      assert.deepEqual(await filesIn(stateDir), files, "nor any file");

      // A dry run takes no lock.
      const dry = record(await runCli([...args, "--dry-run"], env(stateDir)));
      assert.equal(dry.code, 0, dry.stderr);

      first.child.kill("SIGINT");
      const r = record(await first.done());
      assert.equal(r.code, 130, r.stderr);
      // The interrupted run (it had created jobs) is in the plan's history beside its journal.
      assert.deepEqual(
        await filesIn(stateDir),
        ["j.history.jsonl", "j.json"],
        "the lock file went with the run",
      );
    } finally {
      if (!firstDone) {
        first.child.kill("SIGKILL");
        await first.done();
      }
    }
  });
});

Deno.test("--state through a regular file exits 2 with a sentence, not a stack trace", async () => {
  await withSim(fast, async (sim, stateDir) => {
    const file = `${stateDir}/file`;
    await Deno.writeTextFile(file, "x");
    for (
      const [extra, doing] of [[[], "write"], [["--resume"], "read"]] as [string[], string][]
    ) {
      const r = record(
        await runCli(
          [...pipelineArgs(sim.baseUrl), "--state", `${file}/j.json`, ...extra],
          env(stateDir),
        ),
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        `error: Cannot ${doing} the run journal ${file}/j.json: ${file} is a file, not a folder\n` +
          "Pass --state with another path.\n",
      );
    }
    assert.equal(sim.creates().length, 0);
    assert.deepEqual(await filesIn(stateDir), ["file"]);
  });
});

/**
 * As runCli(), without the root's power to write anywhere (the tests may run as root), so that a
 * read-only folder is read-only to the run too.
 */
async function runCliAsUser(args: string[], envVars: Record<string, string>): Promise<CliResult> {
  const deno = [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...args];
  const [cmd, ...rest] = Deno.uid() === 0
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", ...deno]
    : deno;
  const out = await new Deno.Command(cmd!, {
    args: rest,
    env: envVars,
    clearEnv: true,
    cwd: ROOT,
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const canDropRoot = Deno.uid() !== 0 ||
  (await new Deno.Command("setpriv", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success, () => false));

Deno.test({
  name: "a read-only journal folder exits 2 with a sentence naming the path and the fix",
  ignore: !canDropRoot,
  fn: async () => {
    await withSim(fast, async (sim, stateDir) => {
      const ro = `${stateDir}/ro`;
      await Deno.mkdir(ro);
      await Deno.chmod(ro, 0o555);
      try {
        const r = record(
          await runCliAsUser(
            [...pipelineArgs(sim.baseUrl), "--state", `${ro}/j.json`],
            env(stateDir),
          ),
        );
        assert.equal(r.code, 2, r.stderr);
        assert.equal(
          r.stderr,
          `error: Cannot write the run journal ${ro}/j.json: permission denied\n` +
            `Give this user access to ${ro} (and the file, if there is one), or pass --state ` +
            "with another path.\n",
        );
        assert.deepEqual(await filesIn(ro), []);
        assert.equal(sim.creates().length, 0);
      } finally {
        await Deno.chmod(ro, 0o755);
      }
    });
  },
});

Deno.test("the API key appears nowhere in anything the CLI printed", () => {
  assert.ok(printed.length > 10, "the other CLI tests ran first");
  for (const text of printed) assert.ok(!text.includes(SECRET_KEY), `the key leaked in: ${text}`);
});
