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
/** The header's progress: the bar, then `succeeded/total succeeded · elapsed`. */
const progressOf = (screen: string) => {
  const m = /^[█✖■–░]{10,20} (\d+)\/(\d+) succeeded · \S+/m.exec(screen);
  return m ? { succeeded: Number(m[1]), total: Number(m[2]) } : null;
};

/** The screen as it last was: the capture's lines after the last dashboard header. */
function lastFrame(capture: string): string {
  const at = capture.lastIndexOf("tamr-refresh · ");
  return at < 0 ? capture : capture.slice(at);
}

/** The dashboard's title line, as many times as it is on the screen. */
const titleLines = (screen: string) => screen.match(/^tamr-refresh · tenant .*$/gm) ?? [];

/** Text with its line breaks and runs of spaces as single spaces, to find a wrapped sentence. */
const flat = (text: string) => text.replace(/\s+/g, " ");

const ESC = String.fromCharCode(27);

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
    assert.ok(p.succeeded < 9, `mid-run capture already shows ${p.succeeded}/9 steps:\n${mid}`);
    assert.match(mid, /^q quit \(stops our jobs\) · d detach \(ends the demo\) · \? help$/m);

    assert.equal(await t.exitCode(), 0);
    const end = lastFrame(await t.capture());
    assert.match(end, /^█{20} 9\/9 succeeded · /m);
    assert.match(end, /^✔ Refresh succeeded in \S+ · 9 succeeded$/m);
    assert.equal([...end.matchAll(/^ {2}✔ \S+ +job_\w+ +DONE +\S+$/gm)].length, 9, end);
    assert.doesNotMatch(end, /^q quit/m, "the key footer is gone once the run ended");
  });
});

/** The demo's failing source, as the closing text names it: its step, then its full job id. */
const FAILED_STEP = /^ {2}✖ load:web_signups · (job_[0-9a-f]{16})$/m;
/** The demo's failure, as Tamr says it (lib/sim/demo_scenario.ts), longer than three lines of 80. */
const DEMO_REASON = "PLANNING_FAILED: Failed to plan the load of source web_signups: column " +
  "'signup_ts' in the source mapping was not found in the file header of " +
  "s3://acme-landing/web/signups/2024-06-03.csv (found: signup_id, email, created_at, " +
  "utm_source, utm_campaign, referrer). Update the source mapping or re-export the file with " +
  "the expected header, then run the job again.";

/**
 * The end of `demo --fail` at a terminal size: the last frame once (never redrawn below itself),
 * the failed row in it, then below it Tamr's whole reason and the full job id, ending with a
 * newline; exit 1.
 */
async function failedDemoEnd(columns: number, rows: number): Promise<string> {
  // Only the end matters here: as fast as the demo goes.
  return await withTmux(["demo", "--fail", "--speed", "100"], { columns, rows }, async (t) => {
    assert.equal(await t.exitCode(), 1);
    const all = await t.capture();
    assert.equal(titleLines(all).length, 1, `the frame is on screen once:\n${all}`);
    assert.ok(flat(all).includes(DEMO_REASON), `Tamr's whole reason is on screen:\n${all}`);
    assert.match(all, /web_signups.* job_[0-9a-f]{16}$/m, "the failed step's full job id");
    assert.match(all, /^ {2}✖ web_signups +job_\S+ +DONE +\S+ +PLANNING_/m, "the failed row");
    const summary = all.match(/^✖ Refresh failed in \S+ · 4 succeeded · 1 failed · 4\s+skipped$/gm);
    assert.equal(summary?.length, 1, `the summary is on screen once:\n${all}`);
    assert.equal((await t.cursor()).x, 0, "the output ends with a newline");
    // Below the frame, once Ink let go of the screen: the step, its job id, the reason, uncut.
    const end = lastFrame(all);
    assert.match(end, FAILED_STEP);
    const below = end.slice(end.search(FAILED_STEP));
    assert.ok(flat(below).includes(DEMO_REASON), `the whole reason below the frame:\n${below}`);
    assert.doesNotMatch(below, /…/, "nothing below the frame is cut");
    return end;
  });
}

tmuxTest(
  "demo --fail at 80x24 ends with the failed row, the skipped steps, then Tamr's whole reason and the job id, once",
  async () => {
    const end = await failedDemoEnd(80, 24);
    assert.match(end, /^ {2}✖ web_signups +job_[0-9a-f]{16} +DONE +\S+ +PLANNING_FAILED$/m);
    for (const skipped of ["dp_customer_360", "wf_customer_sor", "dest_snowflake"]) {
      assert.match(end, new RegExp(`^  – ${skipped} +skipped$`, "m"));
    }
    assert.match(end, /^█{8,9}✖{2}–{9,10} 4\/9 succeeded · \S+ · 1 failed · 4 skipped$/m);
  },
);

tmuxTest(
  "demo --fail at 60x12 keeps the failed row in the frame, prints it once and ends with a newline",
  async () => {
    const end = await failedDemoEnd(60, 12);
    assert.match(end, /^ {2}✔ 4 sources succeeded$/m, "the succeeded sources fold");
    assert.ok(end.split("\n").every((l) => l.length <= 60), end);
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
        assert.match(end, /^✔ Refresh succeeded in \S+ · 3 succeeded$/m);
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
        assert.match(end, /^■ Refresh interrupted in \S+ · 2 stopped · 1 not started$/m);
        // Stopped by this run at the user's word: counted as stopped, not failed; the bar is
        // not full, and the data product that never ran says so.
        assert.match(end, /^■{13}░{7} 0\/3 succeeded · \S+ · 2 stopped · 1 not started$/m);
        assert.match(end, /^ {2}○ dp +not started$/m);
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
  "d detaches: exit 0, the jobs keep running, later steps wait, the --resume command is printed",
  async () => {
    await withSim(LONG, async (sim) => {
      const env = { TAMR_API_KEY: SECRET_KEY };
      await withTmux(flagArgs(sim.baseUrl), { env }, async (t) => {
        await confirmPlan(t);
        await t.waitFor(/^ {2}\S \S+ +job_\w+ +RUNNING[^\n]*\n {2}\S \S+ +job_\w+ +RUNNING/m);
        await t.keys("d");
        assert.equal(await t.exitCode(), 0);
        const end = lastFrame(await t.capture());
        assert.doesNotMatch(end, /d detach/, "the keys are gone from the last frame once detached");
        // Wrapped to the terminal between words; the command on a line of its own, whole.
        assert.match(
          flat(end),
          /Detached\. The 2 jobs already running keep running on Tamr; later steps will not start until you resume the run: \S.* --resume /,
        );
        assert.match(end, /run:\n {2}\S.* --resume \S+ \S+\.json$/m);
      });
      const jobs = sim.creates();
      assert.equal(jobs.length, 2, "the data product's update never started");
      for (const job of jobs) assert.notEqual(job.status.state, "DONE", JSON.stringify(job));
    });
  },
);

tmuxTest(
  "d in the demo says that detaching ends the demo, whose tenant stops with it",
  async () => {
    await withTmux(["demo"], {}, async (t) => {
      const mid = await t.waitFor(SPINNER_ROW, "a row with a spinner");
      assert.match(mid, /d detach \(ends the demo\)/);
      await t.keys("d");
      assert.equal(await t.exitCode(), 0);
      const end = lastFrame(await t.capture());
      assert.match(
        flat(end),
        /Detached: the demo's tenant is built in and stops with this process, so detaching ends the demo and its jobs\./,
      );
      assert.doesNotMatch(end, /keep running on Tamr/);
    });
  },
);

tmuxTest(
  "no new job starts while the quit question is on screen; n lets the run go on",
  async () => {
    // The tenant's clock: real time plus an offset the test moves on to end the running job.
    let offset = 0;
    const sim = await startSimTenant({
      scenario: LONG,
      apiKey: SECRET_KEY,
      now: () => Date.now() + offset,
    });
    try {
      const env = { TAMR_API_KEY: SECRET_KEY };
      const args = [...flagArgs(sim.baseUrl), "--concurrency", "1"];
      await withTmux(args, { env }, async (t) => {
        await confirmPlan(t);
        await t.waitFor(/^ {2}\S s1 +job_\w+ +RUNNING/m, "s1 running");
        await t.keys("q");
        await t.waitFor("Stop 1 running job and quit? y/n");
        offset += 3600_000; // s1 ends now: s2 could start, but not while the question is asked
        const asked = lastFrame(
          await t.waitFor(/^ {2}✔ s1 +job_\w+ +DONE[^]*^Quit\? y\/n$/m, "s1 done, nothing running"),
        );
        assert.match(asked, /^ {2}○ s2 +waiting$/m);
        assert.equal(sim.creates().length, 1, "no job was created during the question");
        await t.keys("n");
        await t.waitFor(/^ {2}\S s2 +job_\w+ +RUNNING/m, "s2 running once the question is gone");
        await t.keys("C-c");
        await t.waitFor("Stop 1 running job and quit? y/n");
        await t.keys("y");
        assert.equal(await t.exitCode(), 130);
      });
      assert.equal(sim.creates().length, 2);
    } finally {
      await sim.close();
    }
  },
);

tmuxTest(
  "resizing mid-run redraws the frame cleanly: one title line on the screen at each size",
  async () => {
    await withSim(LONG, async (sim) => {
      const env = { TAMR_API_KEY: SECRET_KEY };
      const args = [
        ...flagArgs(sim.baseUrl),
        "--source",
        "source_with_a_long_name_01",
        "--source",
        "source_with_a_long_name_02",
      ];
      await withTmux(args, { env, columns: 80, rows: 24 }, async (t) => {
        await confirmPlan(t);
        await t.waitFor(/^ {2}\S source_with_a_long_name_02 +job_\w+ +RUNNING/m);
        // Each size's frame is known by its key line: cut to 60 columns, or whole.
        const sizes: [number, number, RegExp][] = [
          [60, 20, /^q quit \(stops our jobs\) · d detach \(jobs keep running\) · \? …$/m],
          // No blank lines: the frame fits 12 rows.
          [60, 12, /^[█░]+ 0\/5 succeeded · \S+\nSources$/m],
          [120, 40, /^ {2}\S source_with_a_long_name_01 +job_\w{16} +RUNNING/m],
          [70, 30, /^ {2}\S source_with…\w+_01 +job_\w+…\w+ +RUNNING/m],
        ];
        for (const [columns, rows, frame] of sizes) {
          await t.resize(columns, rows);
          const screen = await t.waitFor(frame, `the frame at ${columns}x${rows}`, {
            visible: true,
          });
          assert.equal(
            titleLines(screen).length,
            1,
            `one title line at ${columns}x${rows}:\n${screen}`,
          );
          assert.match(screen, /^tamr-refresh · tenant /, "the frame starts at the top");
        }
        await t.keys("C-c");
        await t.waitFor("Stop 4 running jobs and quit? y/n");
        await t.keys("y");
        assert.equal(await t.exitCode(), 130);
      });
    });
  },
);

tmuxTest("NO_COLOR=1: the dashboard draws no colour or style escape codes", async () => {
  await withSim(LONG, async (sim) => {
    const env = { TAMR_API_KEY: SECRET_KEY, NO_COLOR: "1" };
    await withTmux(flagArgs(sim.baseUrl), { env }, async (t) => {
      await confirmPlan(t);
      await t.waitFor(SPINNER_ROW, "a row with a spinner");
      // The dashboard only: the plan review above it is the prompts' (another part of the CLI).
      const dashboard = (capture: string) => {
        const titles = [
          ...capture.matchAll(new RegExp(`^(${ESC}\\[[0-9;]*m)*tamr-refresh\\b`, "gm")),
        ];
        return capture.slice(titles.at(-1)?.index ?? 0);
      };
      const mid = dashboard(await t.capture({ escapes: true }));
      assert.ok(!mid.includes(ESC), `escape codes mid-run:\n${JSON.stringify(mid)}`);
      await t.keys("C-c");
      await t.waitFor("quit? y/n");
      await t.keys("y");
      assert.equal(await t.exitCode(), 130);
      const end = dashboard(await t.capture({ escapes: true }));
      assert.match(end, /^■ Refresh interrupted in /m);
      assert.ok(!end.includes(ESC), `escape codes at the end:\n${JSON.stringify(end)}`);
    });
  });
});

tmuxTest(
  "demo --verbose in a terminal prints plain lines with every HTTP exchange, not a dashboard drawn over them",
  async () => {
    await withTmux(["demo", "--verbose", "--speed", "20"], {}, async (t) => {
      assert.equal(await t.exitCode(), 0);
      const all = await t.capture();
      assert.equal(titleLines(all).length, 0, `no dashboard:\n${all}`);
      assert.ok((all.match(/ http POST \/api\/v1beta1\/jobs 200 /g) ?? []).length >= 9, all);
      assert.match(all, / http GET \/api\/v1beta1\/jobs\/job_\w+ 200 /);
      assert.match(all, /succeeded \(DONE\)/);
    });
  },
);
