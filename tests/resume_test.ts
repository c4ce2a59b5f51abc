/**
 * kill -9 at several moments of a run, then `--resume`: the run finishes with exit 0, and no
 * configuration is ever created twice. The CLI runs as a subprocess against an in-test tenant;
 * in-process on virtual time, a run is also cut off after every single request it sends.
 */
import assert from "node:assert/strict";
import { newJournal, parseJournal } from "../lib/app/journal/journal.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { canonicalJson } from "../lib/kit/api/types.ts";
import { childEnv, type CliResult, runCli, SECRET_KEY, spawnCli, waitFor } from "./_cli.ts";
import { killAndResume } from "./_kill_resume.ts";

const PLAN_FLAGS = [
  "--source",
  "s1",
  "--source",
  "s2",
  "--source",
  "s3",
  "--data-product",
  "dp",
  "--workflow",
  "wf",
  "--destination",
  "d1",
];
const STEPS = ["load:s1", "load:s2", "load:s3", "update:dp", "index:wf", "publish:d1"];
const CREATE_PATH = "/api/v1beta1/jobs";

interface Ctx {
  sim: SimTenant;
  dir: string;
  state: string;
  env: Record<string, string>;
}

async function withSim(scenario: Scenario, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-resume-" });
  try {
    await fn({
      sim,
      dir,
      state: `${dir}/journal.json`,
      env: childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir }),
    });
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The run's command line, with the plan, a fast poll and the journal at `state`. */
const runArgs = (ctx: Ctx) => [
  "run",
  "--base-url",
  ctx.sim.baseUrl,
  ...PLAN_FLAGS,
  "--poll-interval",
  "100ms",
  "--state",
  ctx.state,
  "--output",
  "json",
];

/** Resolves as soon as `predicate` holds, checking every millisecond or so. */
async function tightWait(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Starts the run, kills it with SIGKILL once `moment` holds, and returns the journal it left. */
async function killWhen(
  ctx: Ctx,
  moment: (sim: SimTenant) => boolean,
  what: string,
): Promise<{ killed: CliResult; journal: ReturnType<typeof parseJournal> }> {
  const p = spawnCli(runArgs(ctx), ctx.env);
  try {
    await tightWait(() => moment(ctx.sim), 20_000, what);
  } finally {
    p.child.kill("SIGKILL");
  }
  const killed = await p.done();
  assert.equal(killed.code, 137, `the run was killed by SIGKILL (${what}): ${killed.stderr}`);
  assert.ok(!/"type":"finish"/.test(killed.stdout), "the killed run never finished");
  // The journal is written atomically: whatever moment the kill came, it parses.
  const journal = parseJournal(await Deno.readTextFile(ctx.state), ctx.state);
  return { killed, journal };
}

const jobsOf = (sim: SimTenant, step: string) =>
  sim.creates().filter((j) => stepOf(j.configuration) === step);

function stepOf(configuration: unknown): string {
  const c = configuration as Record<string, Record<string, string>>;
  if (c.load) return `load:${c.load.sourceId}`;
  if (c.publish) return `publish:${c.publish.destinationId}`;
  if (c.update?.workflowId) return `index:${c.update.workflowId}`;
  return `update:${c.update!.dataProductId}`;
}

interface NdEvent {
  type: string;
  step?: string;
  state?: string;
  jobId?: string;
  outcome?: string;
  message?: string;
  steps?: { step: string; outcome: string; jobId: string | null }[];
}

/**
 * The resumed run finished with exit 0; every configuration was created exactly once; the steps
 * the journal had finished were not run again, and the jobs it knew were polled, not re-created.
 */
async function assertResumedCleanly(
  ctx: Ctx,
  before: ReturnType<typeof parseJournal>,
  resumed: CliResult,
  outputs: CliResult[],
): Promise<NdEvent[]> {
  assert.equal(resumed.code, 0, `the resumed run exits 0:\n${resumed.stderr}\n${resumed.stdout}`);
  const events: NdEvent[] = resumed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  const finish = events.at(-1)!;
  assert.equal(finish.type, "finish");
  assert.equal(finish.outcome, "succeeded");
  assert.deepEqual(
    finish.steps!.map((s) => [s.step, s.outcome]),
    STEPS.map((s) => [s, "succeeded"]),
  );

  const counts = new Map<string, number>();
  for (const j of ctx.sim.creates()) {
    const k = canonicalJson(j.configuration);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    assert.equal(j.status.state, "DONE", `job ${j.jobId} is DONE`);
    assert.equal(j.status.error, undefined, `job ${j.jobId} succeeded`);
  }
  assert.equal(counts.size, STEPS.length, "every step has its job");
  for (const [k, n] of counts) assert.equal(n, 1, `${k} was created ${n} times`);

  const creating = new Set(
    events.filter((e) => e.type === "step" && e.state === "creating").map((e) => e.step),
  );
  for (const [step, s] of Object.entries(before.steps)) {
    if (s.outcome === "succeeded") {
      assert.ok(!creating.has(step), `${step} had finished, so it was skipped`);
    }
    if (s.jobId && !s.outcome) {
      assert.ok(!creating.has(step), `${step}'s job ${s.jobId} was polled, not created again`);
      const summary = finish.steps!.find((x) => x.step === step)!;
      assert.equal(summary.jobId, s.jobId, `${step} finished with the job the journal knew`);
    }
  }

  const after = parseJournal(await Deno.readTextFile(ctx.state), ctx.state);
  assert.equal(after.finished, true);
  assert.equal(after.outcome, "succeeded");
  const journalText = await Deno.readTextFile(ctx.state);
  for (const text of [journalText, ...outputs.flatMap((o) => [o.stdout, o.stderr])]) {
    assert.ok(!text.includes(SECRET_KEY), "the key appears in no output and not in the journal");
  }
  return events;
}

const steady: Scenario = { pendingMs: 50, durations: { default: 700 } };

Deno.test("kill -9 while the first creates are unanswered, then --resume: each job created once", async () => {
  // The creates hang and are never performed: the journal knows no job at all.
  const scenario: Scenario = { ...steady, faults: [{ kind: "hang", path: "create", times: 3 }] };
  await withSim(scenario, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) =>
        sim.requests.filter((r) => r.method === "POST" && r.path === CREATE_PATH).length === 3,
      "three creates in flight",
    );
    assert.equal(ctx.sim.creates().length, 0, "nothing was created before the kill");
    assert.ok(Object.values(journal.steps).every((s) => !s.jobId));
    const resumed = await runCli([...runArgs(ctx), "--resume"], ctx.env);
    await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
  });
});

Deno.test("kill -9 right after the tenant created a job, then --resume: it is not created again", async () => {
  await withSim(steady, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) => sim.creates().length >= 1,
      "the first create",
    );
    const resumed = await runCli([...runArgs(ctx), "--resume"], ctx.env);
    await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
  });
});

Deno.test("kill -9 after a create whose answer never came, then --resume attaches to that job", async () => {
  // load:s2's create is performed but its answer never arrives, so the journal cannot know it.
  const scenario: Scenario = {
    pendingMs: 50,
    durations: { default: 700, "load:s2": 3_000 },
    faults: [{ kind: "lostCreate", hang: true, step: "load:s2" }],
  };
  await withSim(scenario, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) => sim.creates().length === 3 && jobsOf(sim, "load:s1")[0]!.status.state !== "PENDING",
      "three sources created",
    );
    assert.equal(journal.steps["load:s2"]?.jobId, undefined, "the journal never saw load:s2's job");
    const lost = jobsOf(ctx.sim, "load:s2")[0]!;
    const resumed = await runCli([...runArgs(ctx), "--resume"], ctx.env);
    const events = await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
    const running = events.find((e) => e.step === "load:s2" && e.state === "running");
    assert.equal(running?.jobId, lost.jobId, "the resumed run attached to the job it had created");
  });
});

Deno.test("kill -9 while the data product runs, then --resume polls its job and finishes", async () => {
  await withSim(steady, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) => {
        // Running for a moment, so the journal has caught up with the create's answer.
        const job = jobsOf(sim, "update:dp")[0];
        return job?.status.state === "RUNNING" &&
          Date.now() - Date.parse(job.status.stateStartTime!) > 150;
      },
      "the data product to run",
    );
    const loads = STEPS.filter((s) => s.startsWith("load:"));
    assert.ok(loads.every((s) => journal.steps[s]?.outcome === "succeeded"), "sources finished");
    assert.ok(journal.steps["update:dp"]?.jobId, "the journal holds the data product's job");
    const resumed = await runCli([...runArgs(ctx), "--resume"], ctx.env);
    const events = await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
    assert.ok(
      events.some((e) => e.type === "warning" && /polling job .* again/.test(e.message ?? "")),
      "the resumed run says it polls the job again",
    );
  });
});

Deno.test("kill -9 during the publishes, then `--resume --state FILE` alone finishes the run", async () => {
  await withSim(steady, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) => jobsOf(sim, "publish:d1").length + jobsOf(sim, "index:wf").length === 2,
      "the publish and index jobs",
    );
    // No plan flags, no base URL: all of it comes from the journal.
    const resumed = await runCli(
      ["run", "--resume", "--state", ctx.state, "--output", "json"],
      ctx.env,
    );
    await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
  });
});

Deno.test("a job the killed run created and that finished before --resume is not created again", async () => {
  // update:dp's answer is lost, so the journal has no id for it; it is DONE before the resume,
  // so attaching to an unfinished job would not find it either.
  const scenario: Scenario = {
    ...steady,
    durations: { default: 300 },
    faults: [{ kind: "lostCreate", hang: true, step: "update:dp" }],
  };
  await withSim(scenario, async (ctx) => {
    const { killed, journal } = await killWhen(
      ctx,
      (sim) => jobsOf(sim, "update:dp").length === 1,
      "the data product's create",
    );
    await waitFor(
      () => jobsOf(ctx.sim, "update:dp")[0]!.status.state === "DONE",
      10_000,
      "the data product's job to finish on its own",
    );
    assert.equal(journal.steps["update:dp"]?.jobId, undefined);
    const resumed = await runCli([...runArgs(ctx), "--resume", "--no-attach"], ctx.env);
    const events = await assertResumedCleanly(ctx, journal, resumed, [killed, resumed]);
    assert.ok(
      events.some((e) => e.type === "warning" && /found job .* this run created/.test(e.message!)),
      "the resumed run says it found the job",
    );
  });
});

Deno.test("--resume refuses a journal written for another plan with exit 2 and creates nothing", async () => {
  await withSim(steady, async (ctx) => {
    const other = buildPlan({ sources: ["s9"], dataProduct: "dp" });
    const journal = newJournal(
      other,
      { tenant: "127.0.0.1", baseUrl: ctx.sim.baseUrl },
      new Date().toISOString(),
    );
    await Deno.writeTextFile(ctx.state, JSON.stringify(journal));
    const r = await runCli([...runArgs(ctx), "--resume"], ctx.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /was written for another plan \(2 steps .*\), not this one \(6 steps/);
    assert.match(r.stderr, /Resume with the same sources/);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
    assert.deepEqual(ctx.sim.creates(), []);
    assert.equal(await Deno.readTextFile(ctx.state), JSON.stringify(journal), "journal untouched");
  });
});

Deno.test("--resume without a journal exits 2, with or without the plan flags", async () => {
  await withSim(steady, async (ctx) => {
    for (const args of [[...runArgs(ctx), "--resume"], ["run", "--resume", "--state", ctx.state]]) {
      const r = await runCli(args, ctx.env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /There is no run journal to resume at .*journal\.json/);
      assert.match(r.stderr, /Pass the --state file the interrupted run printed/);
      assert.ok(!r.stderr.includes("    at "), "no stack trace");
    }
    assert.deepEqual(ctx.sim.creates(), []);
  });
});

// ---- in-process, on virtual time: cut off after every request ------------------------------

const IN_PROCESS_PLAN = buildPlan({
  sources: ["s1", "s2", "s3"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1"],
});

const killCases: {
  name: string;
  scenario: Scenario;
  resume: { afterMs: number; attach: boolean };
}[] = [
  {
    name: "resumed 5 s later",
    scenario: { pendingMs: 20_000, durations: { default: 180_000 } },
    resume: { afterMs: 5_000, attach: true },
  },
  {
    // The jobs the killed run made are DONE by then, and attaching is off: only the journal and
    // the jobs created since the run began (resumedSince) keep them from being made again.
    name: "a lost create of load:s2, resumed an hour later with --no-attach",
    scenario: {
      pendingMs: 20_000,
      durations: { default: 180_000 },
      faults: [{ kind: "lostCreate", step: "load:s2" }],
    },
    resume: { afterMs: 3_600_000, attach: false },
  },
];

for (const { name, scenario, resume } of killCases) {
  Deno.test(`in-process, cut off after any request, then --resume (${name}): each job created once`, async () => {
    let killAt = 1;
    for (; killAt < 200; killAt++) {
      const { finished, journal, result, events, sim } = await killAndResume(
        scenario,
        killAt,
        resume,
        { plan: IN_PROCESS_PLAN },
      );
      if (finished) break; // the run ended before request `killAt`: every moment was tried
      const where = `cut off after request ${killAt}`;
      assert.equal(result.exitCode, 0, `${where}: ${result.message}`);
      const counts = new Map<string, number>();
      for (const j of sim.creates()) {
        const k = canonicalJson(j.configuration);
        counts.set(k, (counts.get(k) ?? 0) + 1);
        assert.equal(j.status.state, "DONE", `${where}: job ${j.jobId} is DONE`);
        assert.equal(j.status.error, undefined, `${where}: job ${j.jobId} succeeded`);
      }
      assert.equal(counts.size, IN_PROCESS_PLAN.steps.length, `${where}: every step has its job`);
      for (const [k, n] of counts) assert.equal(n, 1, `${where}: ${k} was created ${n} times`);
      const creating = new Set(
        events.flatMap((e) => e.type === "step" && e.state === "creating" ? [e.step] : []),
      );
      for (const [step, s] of Object.entries(journal.steps)) {
        if (s.outcome === "succeeded" || (s.jobId && !s.outcome)) {
          assert.ok(!creating.has(step), `${where}: ${step} was known, so not created again`);
        }
      }
      assert.deepEqual(sim.errors, []);
      assert.ok(!JSON.stringify(events).includes(SECRET_KEY));
    }
    assert.ok(killAt > 15, `the run was cut off at ${killAt - 1} moments`);
  });
}
