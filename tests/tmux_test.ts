/**
 * End to end in a real pseudo-terminal (tmux): the prompts and the live dashboard as a user sees
 * them, keys typed with `send-keys`, screens read with `capture-pane`.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import type { JobConfiguration } from "../lib/kit/api/types.ts";
import { SECRET_KEY } from "./_cli.ts";
import { announceSkip, hasTmux, type TmuxSession, tmuxSkipReason, withTmux } from "./_tmux.ts";

announceSkip();

function tmuxTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: hasTmux ? name : `${name} (skipped: ${tmuxSkipReason})`,
    ignore: !hasTmux,
    fn,
  });
}

/** A row with a spinner: a job being created, running or stopping. */
const SPINNER_ROW = /^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S+ +job_\w+ +(PENDING|RUNNING)\b/m;
/** The header's progress: the bar, then `done/total steps · elapsed`. */
const progressOf = (screen: string) => {
  const m = /^[█░]{20} (\d+)\/(\d+) steps · \S+/m.exec(screen);
  return m ? { done: Number(m[1]), total: Number(m[2]) } : null;
};

/** The screen as it last was: the capture's lines after the last dashboard header. */
function lastFrame(capture: string): string {
  const at = capture.lastIndexOf("tamr-refresh · ");
  return at < 0 ? capture : capture.slice(at);
}

async function withSim(scenario: Scenario, fn: (sim: SimTenant) => Promise<void>) {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

/** Jobs that run a minute: still running whenever the test looks. */
const LONG: Scenario = { pendingMs: 50, stoppingMs: 300, durations: { default: 60_000 } };

const flagArgs = (baseUrl: string) => [
  "run",
  "--base-url",
  baseUrl,
  "--source",
  "s1",
  "--source",
  "s2",
  "--data-product",
  "dp",
  "--poll-interval",
  "200ms",
];

/**
 * With every value given by flags, a terminal run still shows the plan for review, but asks
 * nothing else: there are no answers to save.
 */
async function confirmPlan(t: TmuxSession): Promise<void> {
  await t.waitFor("Start the refresh with this plan?");
  await t.keys("Enter");
}

tmuxTest("demo draws live rows mid-run, ends on the success summary and exits 0", async () => {
  // Four times faster: jobs still run for about a second each, seen by many captures.
  await withTmux(["demo", "--speed", "4"], {}, async (t) => {
    const mid = lastFrame(await t.waitFor(SPINNER_ROW, "a row with a spinner"));
    assert.match(mid, /^tamr-refresh · tenant demo · data product dp_customer_360$/m);
    const p = progressOf(mid);
    assert.ok(p, `no progress line in:\n${mid}`);
    assert.equal(p.total, 9);
    assert.ok(p.done < 9, `mid-run capture already shows ${p.done}/9 steps:\n${mid}`);
    assert.match(mid, /^q quit \(stops our jobs\) · d detach \(jobs keep running\) · \? help$/m);

    assert.equal(await t.exitCode(), 0);
    const end = lastFrame(await t.capture());
    assert.match(end, /^█{20} 9\/9 steps · /m);
    assert.match(end, /^✔ Refresh succeeded · 9 succeeded · \S+ total$/m);
    assert.equal([...end.matchAll(/^ {2}✔ \S+ +job_\w+ +DONE +\S+$/gm)].length, 9, end);
    assert.doesNotMatch(end, /^q quit/m, "the key footer is gone once the run ended");
  });
});

tmuxTest(
  "demo --fail ends showing the failed source's reason, the skipped steps, exit 1",
  async () => {
    // Only the end matters here: as fast as the demo goes.
    await withTmux(["demo", "--fail", "--speed", "100"], {}, async (t) => {
      assert.equal(await t.exitCode(), 1);
      const end = lastFrame(await t.capture());
      assert.match(end, /^ {2}✖ web_signups +job_\w+ +DONE +\S+ +PLANNING_FAILED$/m);
      for (const skipped of ["dp_customer_360", "wf_customer_sor", "dest_snowflake"]) {
        assert.match(end, new RegExp(`^  – ${skipped} +skipped$`, "m"));
      }
      assert.match(end, /^✖ load:web_signups failed: PLANNING_FAILED: Failed to plan the load/m);
      assert.match(end, /^✖ Refresh failed · 4 succeeded · 1 failed · 4 skipped · /m);
    });
  },
);

tmuxTest(
  "run answered through the prompts shows the dashboard, exits 0, never shows the key",
  async () => {
    const scenario: Scenario = { pendingMs: 50, durations: { default: 300 } };
    await withSim(scenario, async (sim) => {
      // The tenant's recent jobs, which the prompts offer as choices.
      const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: SECRET_KEY });
      const seeds: JobConfiguration[] = [
        { load: { sourceId: "src_crm" } },
        { load: { sourceId: "src_erp" } },
        { update: { dataProductId: "dp_customers" } },
        { update: { workflowId: "wf_sor" } },
        { publish: { destinationId: "dest_wh", dataProductId: "dp_customers" } },
      ];
      for (const c of seeds) await client.createJob(c);
      while (sim.creates().some((j) => j.status.state !== "DONE")) {
        await new Promise((r) => setTimeout(r, 50));
      }

      await withTmux(["run", "--base-url", sim.baseUrl], {}, async (t) => {
        await t.waitFor("? Tamr API key");
        await t.type(SECRET_KEY);
        // Typed into the masked prompt: one * a character.
        await t.waitFor(
          `? Tamr API key (Admin > API Keys in Tamr) ${"*".repeat(SECRET_KEY.length)}`,
        );
        await t.keys("Enter");

        // Newest first: src_erp, then src_crm; other ids are typed next.
        const sources = await t.waitFor(/❯◯ src_erp {2}\(last run .*, succeeded\)/);
        assert.match(sources, /^ ◯ src_crm {2}\(last run .*, succeeded\)$/m);
        assert.doesNotMatch(sources, /another id/, "select all can only select ids");
        await t.keys("Space", "Enter");
        await t.waitFor("? Other source IDs (comma-separated; Enter for none)");
        await t.type("src_new");
        await t.keys("Enter");

        await t.waitFor(/❯ dp_customers {2}\(last run .*, succeeded\)/);
        await t.keys("Enter");
        const workflow = await t.waitFor("? Search-index workflow to update afterwards (optional)");
        assert.match(workflow, /^ {2}wf_sor {2}\(last run .*, succeeded\)$/m);
        await t.keys("Enter"); // the default: none
        await t.waitFor("? Destinations to publish to afterwards (optional)");
        await t.keys("Enter"); // none ticked
        await t.waitFor("? Other destination IDs (comma-separated; Enter for none)");
        await t.keys("Enter"); // none typed

        const review = await t.waitFor("Start the refresh with this plan?");
        assert.match(
          review,
          /^ {4}1\. load:src_erp\n {4}2\. load:src_new\n {4}3\. update:dp_customers/m,
        );
        await t.keys("Enter");
        await t.waitFor(/Save these answers to \S+\? \(y\/N\)/);
        await t.keys("n", "Enter");

        await t.waitFor(/^tamr-refresh · tenant 127\.0\.0\.1 · data product dp_customers$/m);
        assert.equal(await t.exitCode(), 0);
        const end = lastFrame(await t.capture());
        assert.match(end, /^✔ Refresh succeeded · 3 succeeded · /m);
        for (const c of t.captures) assert.ok(!c.includes(SECRET_KEY), "a capture shows the key");
        await assert.rejects(Deno.stat(`${t.dir}/tamr-refresh.json`), Deno.errors.NotFound);
      });
      const created = sim.creates().slice(seeds.length).map((j) => JSON.stringify(j.configuration));
      assert.deepEqual(created.slice(0, 2).sort(), [
        `{"load":{"sourceId":"src_erp"}}`,
        `{"load":{"sourceId":"src_new"}}`,
      ]);
      assert.deepEqual(created.slice(2), [`{"update":{"dataProductId":"dp_customers"}}`]);
    });
  },
);

tmuxTest(
  "with no arguments the prompts start; Ctrl-C at one exits 130 with one short line",
  async () => {
    await withTmux([], {}, async (t) => {
      await t.waitFor("? Tamr tenant (the <tenant> in <tenant>.tamr.cloud)");
      await t.type("Bad_Tenant");
      await t.keys("Enter");
      await t.waitFor("A tenant is a DNS label");
      await t.keys("C-c");
      assert.equal(await t.exitCode(), 130);
      const end = await t.capture();
      assert.match(end, /^Cancelled; nothing was created\.$/m);
      assert.doesNotMatch(end, /error| {4}at /i, "no error text or stack trace");
    });
  },
);

tmuxTest(
  "Ctrl-C twice in the dashboard stops every job the run created and exits 130",
  async () => {
    await withSim(LONG, async (sim) => {
      const env = { TAMR_API_KEY: SECRET_KEY };
      await withTmux(flagArgs(sim.baseUrl), { env }, async (t) => {
        await confirmPlan(t);
        await t.waitFor(/^ {2}\S \S+ +job_\w+ +RUNNING[^\n]*\n {2}\S \S+ +job_\w+ +RUNNING/m);
        await t.keys("C-c");
        await t.waitFor("Stop 2 running jobs and quit? y/n");
        await t.keys("C-c");
        assert.equal(await t.exitCode(), 130);
        const end = lastFrame(await t.capture());
        assert.match(end, /^■ Refresh interrupted · 2 stopped · 1 not started · /m);
        // Stopped by this run at the user's word: counted as stopped, not failed.
        assert.match(end, /^[█░]{20} 2\/3 steps · \S+ · 2 stopped$/m);
        const stoppedRows = end.match(/^ {2}■ s[12] +job_\w+ +DONE +\S+ +STOPPED_BY_USER$/gm);
        assert.equal(stoppedRows?.length, 2, end);
      });
      const jobs = sim.creates();
      assert.equal(jobs.length, 2);
      for (const job of jobs) {
        assert.equal(job.status.state, "DONE", JSON.stringify(job));
        assert.equal(job.status.error?.reason, "STOPPED_BY_USER", JSON.stringify(job));
      }
    });
  },
);

tmuxTest(
  "d detaches: exit 0, the jobs keep running, and the --resume command is printed",
  async () => {
    await withSim(LONG, async (sim) => {
      const env = { TAMR_API_KEY: SECRET_KEY };
      await withTmux(flagArgs(sim.baseUrl), { env }, async (t) => {
        await confirmPlan(t);
        await t.waitFor(/^ {2}\S \S+ +job_\w+ +RUNNING/m);
        await t.keys("d");
        assert.equal(await t.exitCode(), 0);
        const end = lastFrame(await t.capture());
        assert.doesNotMatch(end, /d detach/, "the keys are gone from the last frame once detached");
        assert.match(
          end,
          /^Detached: the jobs keep running on Tamr\. To pick them up again: .*--resume/m,
        );
      });
      const jobs = sim.creates();
      assert.ok(jobs.length >= 1);
      for (const job of jobs) assert.notEqual(job.status.state, "DONE", JSON.stringify(job));
    });
  },
);
