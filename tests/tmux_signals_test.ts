/**
 * Signals sent to a run whose dashboard is drawing (kill, a closed terminal): the jobs it created
 * are stopped and the run exits with the signal's code, as headless runs do. Ink's own signal
 * handling must not end the process first.
 */
import assert from "node:assert/strict";
import { startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { SECRET_KEY } from "./_cli.ts";
import { hasTmux, type TmuxSession, tmuxSkipReason, withTmux } from "./_tmux.ts";

const LONG: Scenario = { pendingMs: 50, stoppingMs: 300, durations: { default: 60_000 } };
const BOTH_RUNNING = /^ {2}\S \S+ +job_\w+ +RUNNING[^\n]*\n {2}\S \S+ +job_\w+ +RUNNING/m;

/** The pid of the CLI the session runs: the deno process whose working folder is the session's. */
async function cliPid(t: TmuxSession): Promise<number> {
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cwd = await Deno.readLink(`/proc/${e.name}/cwd`);
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      if (cwd === t.dir && cmd.includes("main.ts")) return Number(e.name);
    } catch {
      // a process that ended meanwhile, or not ours to read
    }
  }
  throw new Error(`no CLI process runs in ${t.dir}`);
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130], ["SIGHUP", 129]] as const) {
  Deno.test({
    name: `${signal} to a run drawing its dashboard stops the jobs it created and exits ${code}${
      hasTmux ? "" : ` (skipped: ${tmuxSkipReason})`
    }`,
    ignore: !hasTmux,
    fn: async () => {
      const sim = await startSimTenant({ scenario: LONG, apiKey: SECRET_KEY });
      try {
        const args = ["run", "--base-url", sim.baseUrl, "--source", "s1", "--source", "s2"];
        const flags = [...args, "--data-product", "dp", "--poll-interval", "200ms"];
        await withTmux(flags, { env: { TAMR_API_KEY: SECRET_KEY } }, async (t) => {
          await t.waitFor("Start the refresh with this plan?");
          await t.keys("Enter");
          await t.waitFor(BOTH_RUNNING, "both sources running");
          Deno.kill(await cliPid(t), signal);
          assert.equal(await t.exitCode(), code);
        });
        const jobs = sim.creates();
        assert.equal(jobs.length, 2);
        for (const job of jobs) {
          assert.equal(job.status.state, "DONE", JSON.stringify(job));
          assert.equal(job.status.error?.reason, "STOPPED_BY_USER");
        }
      } finally {
        await sim.close();
      }
    },
  });
}
