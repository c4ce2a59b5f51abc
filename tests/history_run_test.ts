/**
 * The run history as `run` keeps and uses it, on virtual time against the in-process simulated
 * tenant: every run that made a job is recorded beside its journal with Tamr's own times, the next
 * run expects what the earlier ones took, a first run learns from the tenant's earlier jobs, and
 * nothing about the history changes a run's outcome.
 */
import assert from "node:assert/strict";
import { runIdFor } from "../lib/app/history/record.ts";
import { parseHistory } from "../lib/app/history/store.ts";
import { newJournal, parseJournal } from "../lib/app/journal/journal.ts";
import { journalText } from "../lib/app/journal/store.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import { appOnSim, DURATIONS, finishOf } from "./_app_on_sim.ts";
import { MINUTE } from "./_pipeline.ts";

const PENDING = 300;
const HISTORY = "j.history.jsonl";

const runsIn = (files: Map<string, string>) => parseHistory(files.get(HISTORY) ?? "").runs;
const createOrder = (configs: { configuration: Record<string, unknown> }[]) =>
  configs.map((j) => JSON.stringify(j.configuration));
/** The learning list (DONE, no error), told apart from the list that looks for jobs to attach to. */
const learnLists = (requests: { path: string; query: string }[]) =>
  requests.filter((r) =>
    r.path.endsWith("/jobs") &&
    /NOT status:error/.test(new URLSearchParams(r.query).get("filter") ?? "")
  );

Deno.test("a run is recorded beside its journal with its timeline from Tamr's own times", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING });
  try {
    const { code, events } = await app.run();
    assert.equal(code, 0);
    const start = events.find((e) => e.type === "start")!;
    const finish = finishOf(events);
    const [record, ...others] = runsIn(app.files);
    assert.deepEqual(others, []);
    const journal = parseJournal(app.files.get("j.json")!, "j.json");
    assert.equal(record!.runId, journal.runId, "the journal knows its run's id");
    assert.equal(record!.runId, runIdFor(Date.parse(journal.startedAt)));
    assert.equal(record!.outcome, "succeeded");
    assert.equal(record!.durationMs, Date.parse(finish.time) - Date.parse(start.time));
    assert.deepEqual(record!.timeline, finish.timeline, "the finish event's timeline, whole");
    for (const t of record!.timeline) {
      assert.equal(t.waitMs, PENDING, `${t.step} waited PENDING for its slot`);
      assert.equal(t.runMs, DURATIONS[t.step as keyof typeof DURATIONS], `${t.step} ran`);
    }
  } finally {
    await app.close();
  }
});

Deno.test("the next run expects what the earlier ones took: longest sources first, expectedMs on its events", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING });
  try {
    await app.run({ concurrency: "1" });
    const firstCreates = app.sim.creates().length;
    const second = await app.run({ concurrency: "1" });
    assert.equal(second.code, 0);
    const loads = createOrder(app.sim.creates().slice(firstCreates)).slice(0, 3);
    assert.deepEqual(
      loads,
      ["s3", "s1", "s2"].map((s) => JSON.stringify({ load: { sourceId: s } })),
    );
    for (const [step, ms] of Object.entries(DURATIONS)) {
      const e = second.events.find((e) => e.type === "step" && e.step === step && e.expectedMs);
      assert.equal(e?.type === "step" && e.expectedMs, ms + PENDING, step);
    }
    assert.equal(runsIn(app.files).length, 2, "each run is a record of its own");
    assert.notEqual(runsIn(app.files)[0]!.runId, runsIn(app.files)[1]!.runId);
  } finally {
    await app.close();
  }
});

Deno.test("a journal of an older version, with durations and no history file, still paces the run", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING, pastRuns: 1 });
  try {
    const plan = buildPlan({
      sources: ["s1", "s2", "s3"],
      dataProduct: "dp",
      workflow: "wf",
      destinations: ["d1", "d2"],
    });
    const older = newJournal(
      plan,
      { tenant: "127.0.0.1", baseUrl: app.sim.baseUrl },
      "2025-12-01T00:00:00Z",
      {
        "load:s1": [9 * MINUTE, 10 * MINUTE, 11 * MINUTE],
      },
    );
    app.files.set("j.json", journalText({ ...older, finished: true, outcome: "succeeded" }));
    const { code, events } = await app.run();
    assert.equal(code, 0);
    const s1 = events.find((e) => e.type === "step" && e.step === "load:s1" && e.expectedMs);
    assert.equal(s1?.type === "step" && s1.expectedMs, 10 * MINUTE, "the journal's median");
    const s2 = events.find((e) => e.type === "step" && e.step === "load:s2" && e.expectedMs);
    assert.equal(s2?.type === "step" && s2.expectedMs, DURATIONS["load:s2"] + PENDING, "learned");
    const [learn] = learnLists(app.sim.requests);
    const filter = new URLSearchParams(learn!.query).get("filter")!;
    assert.ok(
      !filter.includes('"s1"') && filter.includes('"s2"'),
      `only what is unknown: ${filter}`,
    );
  } finally {
    await app.close();
  }
});

Deno.test("a first run learns each step's duration from the tenant's earlier jobs, and keeps them", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING, pastRuns: 3 });
  try {
    const first = await app.run({ concurrency: "1" });
    assert.equal(first.code, 0);
    assert.equal(learnLists(app.sim.requests).length, 1, "one list, one page");
    const loads = createOrder(app.sim.creates()).slice(0, 3);
    assert.deepEqual(
      loads,
      ["s3", "s1", "s2"].map((s) => JSON.stringify({ load: { sourceId: s } })),
    );
    const e = first.events.find((e) => e.type === "step" && e.step === "update:dp" && e.expectedMs);
    assert.equal(e?.type === "step" && e.expectedMs, DURATIONS["update:dp"] + PENDING);
    // Kept in the journal: the learned three, and this run's own.
    const journal = parseJournal(app.files.get("j.json")!, "j.json");
    assert.deepEqual(journal.history["load:s3"], Array(4).fill(DURATIONS["load:s3"] + PENDING));
    // The second run knows every step: it asks the tenant for no earlier job.
    await app.run();
    assert.equal(learnLists(app.sim.requests).length, 1);
  } finally {
    await app.close();
  }
});

Deno.test("learning that fails or takes too long is a warning, and the run goes on without it", async () => {
  const app = appOnSim({
    durations: DURATIONS,
    pendingMs: PENDING,
    pastRuns: 2,
    faults: [{ path: "list", kind: "hang", times: 1 }],
  });
  try {
    const { code, events } = await app.run();
    assert.equal(code, 0);
    const warnings = events.filter((e) => e.type === "warning").map((e) => e.message);
    assert.deepEqual(warnings.filter((m) => /learn/.test(m)), [
      "Could not learn durations from the tenant's earlier jobs (it took longer than 15s); " +
      "this run starts without them.",
    ]);
    assert.ok(
      events.every((e) => e.type !== "step" || e.expectedMs === undefined),
      "nothing was expected",
    );
    assert.equal(runsIn(app.files).length, 1);
  } finally {
    await app.close();
  }
  const refused = appOnSim({
    durations: DURATIONS,
    pastRuns: 2,
    faults: [{ path: "list", kind: "unauthorized", times: 1 }],
  });
  try {
    const { code, events } = await refused.run();
    assert.equal(code, 0);
    assert.deepEqual(
      events.flatMap((e) => e.type === "warning" && /learn/.test(e.message) ? [e.message] : []),
      [
        "Could not learn durations from the tenant's earlier jobs (the jobs list was answered " +
        "401: The API key is not valid or has been revoked); this run starts without them.",
      ],
    );
  } finally {
    await refused.close();
  }
});

Deno.test("a history that cannot be written is a warning before finish; the run's exit code stands", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING });
  const refuse = (p: string) =>
    p.endsWith(".history.jsonl")
      ? Promise.reject(Object.assign(new Error("No space left on device"), { code: "ENOSPC" }))
      : undefined;
  try {
    const { code, events } = await app.run({}, {
      io: {
        appendTextFile: (p, t) =>
          refuse(p) ?? Promise.resolve(void app.files.set(p, (app.files.get(p) ?? "") + t)),
        writeTextFile: (p, t) => refuse(p) ?? Promise.resolve(void app.files.set(p, t)),
      },
    });
    assert.equal(code, 0);
    const at = events.findIndex((e) => e.type === "warning" && e.message.includes(HISTORY));
    assert.ok(at >= 0, "a warning names the history file");
    assert.match((events[at] as { message: string }).message, /^Cannot write the run history /);
    assert.equal(events.at(-1)!.type, "finish");
    assert.equal(finishOf(events).outcome, "succeeded");
  } finally {
    await app.close();
  }
});

Deno.test("a run that created no job, and a dry run, are not recorded", async () => {
  const app = appOnSim({
    durations: DURATIONS,
    faults: [{ path: "create", kind: "unauthorized", times: "always" }],
  });
  try {
    const refused = await app.run();
    assert.equal(refused.code, 4);
    assert.ok(!app.files.has(HISTORY), "the refused run left no record");
    const dry = await app.run({ dryRun: true });
    assert.equal(dry.code, 0);
    assert.ok(!app.files.has(HISTORY), "nor did the dry run");
  } finally {
    await app.close();
  }
});

Deno.test("--resume continues the same record: the earlier part's steps kept, its time added", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: PENDING });
  try {
    const first = await app.run({}, {
      during: async (events, abort) => {
        await app.clock.until(
          () =>
            events.some((e) =>
              e.type === "step" && e.step === "update:dp" && e.state === "running"
            ),
          "the data product running",
        );
        abort(new InterruptedError("SIGINT"));
      },
    });
    assert.equal(first.code, 130);
    const [part1] = runsIn(app.files);
    assert.equal(part1!.outcome, "interrupted");
    await app.clock.run(() => app.clock.sleep(60 * MINUTE)); // an hour before the resume
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const [record, ...others] = runsIn(app.files);
    assert.deepEqual(others, [], "one record for the run");
    assert.equal(record!.runId, part1!.runId);
    assert.equal(record!.outcome, "succeeded");
    const start2 = Date.parse(second.events.find((e) => e.type === "start")!.time);
    assert.equal(
      record!.durationMs,
      part1!.durationMs + Date.parse(finishOf(second.events).time) - start2,
      "both parts' time, not the hour between them",
    );
    for (const s of ["load:s1", "load:s2", "load:s3"]) {
      const before = part1!.timeline.find((t) => t.step === s);
      assert.deepEqual(record!.timeline.find((t) => t.step === s), before, `${s} as first run`);
    }
    const update = record!.timeline.find((t) => t.step === "update:dp")!;
    assert.equal(update.outcome, "succeeded");
    assert.equal(update.runMs, DURATIONS["update:dp"]);
    assert.equal(record!.timeline.length, 7);
  } finally {
    await app.close();
  }
});
