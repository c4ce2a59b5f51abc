/**
 * Reading a journal with its side log: the lines it does not hold yet are merged (a newer job id
 * wins), merging again changes nothing, a line cut short is ignored; and a run killed at any
 * moment of the side log's life (after an append, between a rewrite and the trimming) resumes
 * with every job id it had. In memory, on a virtual clock, and once on real files.
 */
import assert from "node:assert/strict";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { StepEvent } from "../lib/kit/run/events.ts";
import { type JournalData, newJournal } from "../lib/app/journal/journal.ts";
import { journalText } from "../lib/app/journal/store.ts";
import { mergeSideLog, parseSideLog, sideLogText } from "../lib/app/journal/side_log.ts";
import { readJournal } from "../lib/app/journal/file.ts";
import { openRunJournal, type RunJournal } from "../lib/app/journal/setup.ts";
import { createRealIo, durableAppend } from "../lib/app/real_io.ts";
import type { Io } from "../lib/app/io.ts";
import { fakeIo } from "./_io.ts";
import { settle, virtualClock } from "./_journal_fakes.ts";

const IDS = "j.json.ids";
const plan = buildPlan({ sources: ["s1", "s2", "s3"], dataProduct: "dp" });
const where = { tenant: "t", baseUrl: "https://t.tamr.cloud" };
const line = (n: number, step: string, jobId: string) => ({
  n,
  step,
  jobId,
  at: `2026-01-01T00:00:0${n}Z`,
});

/** A journal that holds the side log's lines up to 2: load:s1 failed with job A, s2 succeeded. */
function journalThrough2(): JournalData {
  const j = newJournal(plan, where, "2026-01-01T00:00:00Z");
  j.steps["load:s1"] = {
    jobId: "A",
    outcome: "failed",
    startedAt: "2026-01-01T00:00:00Z",
    endedAt: "2026-01-01T00:00:01Z",
  };
  j.steps["load:s2"] = { jobId: "C", outcome: "succeeded" };
  j.idsThrough = 2;
  return j;
}

Deno.test("reading merges the side log: a newer job id wins, a line the journal holds changes nothing", async () => {
  const files = new Map([
    ["j.json", journalText(journalThrough2())],
    [IDS, sideLogText([line(2, "load:s2", "OLD"), line(3, "load:s1", "B")])],
  ]);
  const read = (await readJournal("j.json", fakeIo(files)))!;
  assert.deepEqual(read.steps["load:s1"], { jobId: "B", startedAt: "2026-01-01T00:00:00Z" });
  assert.deepEqual(read.steps["load:s2"], { jobId: "C", outcome: "succeeded" }, "line 2 is held");
  assert.equal(read.idsThrough, 3);
  assert.equal(read.updatedAt, "2026-01-01T00:00:03Z");

  // Merged twice, or written and read again beside the same side log: the same journal.
  const lines = parseSideLog(files.get(IDS)!);
  assert.equal(mergeSideLog(read, lines), read);
  files.set("j.json", journalText(read));
  assert.deepEqual(await readJournal("j.json", fakeIo(files)), read);
});

Deno.test("a side log line cut short by a crash is ignored, not an error", async () => {
  const whole = sideLogText([line(3, "load:s1", "B")]);
  const files = new Map([
    ["j.json", journalText(journalThrough2())],
    [IDS, `${whole}{"n":4,"step":"load:s3","jo`],
  ]);
  const read = (await readJournal("j.json", fakeIo(files)))!;
  assert.equal(read.steps["load:s1"]?.jobId, "B");
  assert.equal(read.steps["load:s3"], undefined);
  assert.equal(read.idsThrough, 3);

  files.set(IDS, '{"n":3,"st');
  assert.deepEqual(await readJournal("j.json", fakeIo(files)), journalThrough2());
});

const run = { ...where, dataProduct: "dp" } as const;
const pacing = {
  concurrency: 4,
  pollIntervalMs: 30_000,
  timeoutMs: 7_200_000,
  requestTimeoutMs: 30_000,
};
/** Large enough (over 16 KB) that new job ids go to the side log. */
const big = buildPlan({
  sources: Array.from({ length: 200 }, (_, i) => `s${i + 1}`),
  dataProduct: "dp",
});

const step = (step: string, state: StepEvent["state"], jobId?: string): StepEvent => ({
  type: "step",
  time: "2026-01-01T00:00:01Z",
  step,
  kind: "load",
  target: step.slice(5),
  state,
  ...(jobId ? { jobId } : {}),
});

async function openBig(io: Io, resume = false): Promise<RunJournal> {
  return await openRunJournal({
    run: { ...run, ...pacing },
    plan: big,
    flags: { state: "j.json", resume },
    io,
    warn: (m) => assert.fail(`no warning expected: ${m}`),
  });
}

/** Runs `load:s1` to its job, then lets `after` cut the run off; returns the files it left. */
async function killedRun(after: (time: ReturnType<typeof virtualClock>) => Promise<void>) {
  const time = virtualClock();
  const files = new Map<string, string>();
  let killed: Map<string, string> | null = null;
  const journal = await openBig(
    fakeIo(files, {
      clock: time.clock,
      // kill -9 just before the side log is trimmed: the files as they are then are what is left.
      removeFile: (p) => {
        if (p === IDS) killed ??= new Map(files);
        files.delete(p);
        return Promise.resolve();
      },
    }),
  );
  killed = null; // opening trimmed a side log that was not there
  const listeners: ((e: StepEvent) => void)[] = [];
  journal.attach({ subscribe: (l) => (listeners.push(l), () => {}) });
  for (const e of [step("load:s1", "creating"), step("load:s1", "running", "job_1")]) {
    listeners.forEach((l) => l(e));
  }
  await settle();
  await after(time);
  return killed ?? new Map(files);
}

const moments = [
  // The journal never had the job id: only its side log did.
  { moment: "right after the append", after: () => Promise.resolve(), journalHad: undefined },
  // The journal has it, and the side log still holds the line: merging it changes nothing.
  {
    moment: "between a whole rewrite and the trimming",
    after: (t) => t.advance(1_000),
    journalHad: "job_1",
  },
] satisfies {
  moment: string;
  after: (time: ReturnType<typeof virtualClock>) => Promise<void>;
  journalHad: string | undefined;
}[];

for (const { moment, after, journalHad } of moments) {
  Deno.test(`a run killed ${moment} resumes with its job id`, async () => {
    const left = await killedRun(after);
    const onDisk = () => JSON.parse(left.get("j.json")!) as JournalData;
    assert.equal(onDisk().steps["load:s1"]?.jobId, journalHad);
    assert.deepEqual(parseSideLog(left.get(IDS) ?? "").map((l) => l.jobId), ["job_1"]);

    const resumed = await openBig(fakeIo(left, { clock: virtualClock().clock }), true);
    assert.equal(resumed.prior?.get("load:s1")?.jobId, "job_1");
    assert.equal(onDisk().steps["load:s1"]?.jobId, "job_1", "the resumed run's journal has it");
    assert.equal(onDisk().idsThrough, 1);
    assert.ok(!left.has(IDS), "and its side log is trimmed");
    await resumed.finish();
  });
}

Deno.test("on real files: appended lines survive, a cut one is ignored, the run cleans up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-side-log-" });
  try {
    const path = `${dir}/j.json`;
    await Deno.writeTextFile(path, journalText(journalThrough2()));
    await durableAppend(`${path}.ids`, sideLogText([line(3, "load:s1", "B")]));
    await durableAppend(`${path}.ids`, '{"n":4,"step"');
    const never = new AbortController().signal;
    const io = createRealIo(never, never);
    assert.equal((await readJournal(path, io))?.steps["load:s1"]?.jobId, "B");

    const journal = await openRunJournal({
      run: { ...run, ...pacing },
      plan,
      flags: { state: path, resume: true },
      io,
      warn: (m) => assert.fail(m),
    });
    assert.equal(journal.prior?.get("load:s1")?.jobId, "B");
    await journal.finish();
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["j.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
