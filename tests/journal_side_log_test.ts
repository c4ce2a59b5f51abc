/**
 * The side log of a large journal, on a virtual clock and an in-memory disk: a new job id is
 * appended at once while the whole journal is rewritten at its pace; each rewrite drops the lines
 * it holds; a run that closes removes it. No real time passes in these tests.
 */
import assert from "node:assert/strict";
import { buildPlan, type Plan } from "../lib/kit/run/plan.ts";
import { newJournal } from "../lib/app/journal/journal.ts";
import {
  JOURNAL_WRITE_GAP_MS,
  type JournalStore,
  openJournalStore,
} from "../lib/app/journal/store.ts";
import { parseSideLog } from "../lib/app/journal/side_log.ts";
import { readJournal } from "../lib/app/journal/file.ts";
import { fakeIo } from "./_io.ts";
import { fakeDisk, settle, virtualClock } from "./_journal_fakes.ts";

const IDS = "j.json.ids";
const small = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
const sources = (n: number) =>
  Array.from({ length: n }, (_, i) => `src_${String(i + 1).padStart(4, "0")}`);

/** A store on a fake disk; every journal counts as large unless `defaultSize` (16 KB) is asked. */
async function open(o: { plan?: Plan; defaultSize?: boolean } = {}) {
  const time = virtualClock();
  const disk = fakeDisk();
  const warnings: string[] = [];
  const journal = newJournal(
    o.plan ?? small,
    { tenant: "t", baseUrl: "https://t" },
    "2026-01-01T00:00:00Z",
  );
  const store = await openJournalStore({
    path: "j.json",
    journal,
    io: { ...disk.io, clock: time.clock },
    warn: (m) => warnings.push(m),
    ...(o.defaultSize ? {} : { sideLogFromBytes: 0 }),
  });
  /** What `--resume` would read now: the journal with its side log merged. */
  const resumed = async () => (await readJournal("j.json", fakeIo(disk.files)))!;
  const sideLog = () => parseSideLog(disk.files.get(IDS) ?? "");
  return { time, disk, store, warnings, resumed, sideLog };
}

const started = (store: JournalStore, step: string) =>
  store.update((j) => {
    j.steps[step] = { startedAt: "2026-01-01T00:00:00Z" };
    return "paced";
  });
const gotJob = (store: JournalStore, step: string, jobId: string) =>
  store.update((j) => {
    j.steps[step] = { ...j.steps[step], jobId };
    return { step, jobId, time: "2026-01-01T00:00:01Z" };
  });

Deno.test("a new job id is in the side log at once while a paced rewrite sleeps", async () => {
  const { time, disk, store, resumed, sideLog } = await open();
  started(store, "load:s1");
  await settle();
  assert.equal(time.sleeping(), 1, "the paced rewrite waits for the gap");
  gotJob(store, "load:s1", "job_1");
  await settle();
  assert.deepEqual(sideLog().map((l) => [l.n, l.step, l.jobId]), [[1, "load:s1", "job_1"]]);
  assert.equal(disk.writes.length, 1, "no whole rewrite for it");
  assert.equal(time.sleeping(), 1, "and the paced one still sleeps");
  assert.equal((await resumed()).steps["load:s1"]?.jobId, "job_1", "--resume would know it");

  await time.advance(JOURNAL_WRITE_GAP_MS);
  assert.equal(disk.last().steps["load:s1"]?.jobId, "job_1");
  assert.equal(disk.last().idsThrough, 1);
  assert.ok(!disk.files.has(IDS), "the rewrite holds every line: the side log is gone");
  assert.deepEqual(disk.ops.slice(-2), ["write j.json", `remove ${IDS}`]);
});

Deno.test("a whole rewrite drops the lines it holds and keeps those that came during it", async () => {
  const { time, disk, store, sideLog } = await open();
  gotJob(store, "load:s1", "job_1");
  await settle();
  disk.hold("j.json");
  await time.advance(JOURNAL_WRITE_GAP_MS); // the rewrite holding line 1 is in flight
  gotJob(store, "load:s2", "job_2");
  await settle();
  assert.deepEqual(sideLog().map((l) => l.n), [1, 2], "appended while the rewrite is in flight");
  disk.release("j.json");
  await settle();
  assert.equal(disk.last().idsThrough, 1);
  assert.deepEqual(sideLog().map((l) => [l.n, l.jobId]), [[2, "job_2"]]);
  assert.equal(disk.ops.at(-1), `write ${IDS}`, "rewritten atomically with the rest");

  await time.advance(JOURNAL_WRITE_GAP_MS);
  assert.equal(disk.last().idsThrough, 2);
  assert.ok(!disk.files.has(IDS));
});

Deno.test("1,000 new job ids over 20 s: each on disk at once, the journal rewritten 21 times", async () => {
  // 1,000 sources: over 16 KB, a journal that keeps new job ids in its side log by default.
  const { time, disk, store, resumed, sideLog } = await open({
    plan: buildPlan({ sources: sources(1_000), dataProduct: "dp" }),
    defaultSize: true,
  });
  for (const [i, source] of sources(1_000).entries()) {
    gotJob(store, `load:${source}`, `job_${i}`);
    await settle();
    assert.equal(sideLog().at(-1)?.jobId, `job_${i}`, `job_${i} reached the side log at once`);
    await time.advance(20);
  }
  assert.ok(
    disk.writes.length <= 21,
    `${disk.writes.length} whole rewrites: the open, one a second`,
  );
  const appends = disk.ops.filter((op) => op === `append ${IDS}`).length;
  assert.ok(appends <= 1_000, `${appends} appends`);
  await store.close();
  assert.ok(!disk.files.has(IDS), "close() leaves no side log");
  assert.equal(Object.keys((await resumed()).steps).length, 1_000);
  assert.equal(disk.last().idsThrough, 1_000);
});

Deno.test("a small journal is rewritten whole at once and keeps no side log", async () => {
  const { disk, store } = await open({ defaultSize: true });
  gotJob(store, "load:s1", "job_1");
  await settle();
  assert.equal(disk.writes.length, 2);
  assert.equal(disk.last().steps["load:s1"]?.jobId, "job_1");
  assert.equal(disk.last().idsThrough, undefined);
  assert.ok(!disk.ops.some((op) => op.startsWith("append")));
});

Deno.test("a final rewrite that fails keeps the side log, so --resume still knows the job", async () => {
  const { disk, store, warnings, resumed } = await open();
  gotJob(store, "load:s1", "job_1");
  await settle();
  disk.fail("j.json", new Error("disk full"));
  await store.close();
  assert.deepEqual(warnings, ["Cannot write the run journal j.json: disk full"]);
  assert.equal(disk.last().steps["load:s1"], undefined, "the journal itself never had it");
  assert.equal((await resumed()).steps["load:s1"]?.jobId, "job_1");
});

Deno.test("after a failed append the side log is rewritten whole, never appended to a cut line", async () => {
  const { disk, store, warnings, sideLog } = await open();
  disk.fail(IDS, new Error("disk full"));
  gotJob(store, "load:s1", "job_1");
  await settle();
  assert.deepEqual(warnings, [`Cannot write the run journal ${IDS}: disk full`]);
  assert.ok(!disk.files.get(IDS)!.endsWith("\n"), "half a line is left at the end");
  disk.fail(IDS, null);
  gotJob(store, "load:s2", "job_2");
  await settle();
  assert.equal(disk.ops.at(-1), `write ${IDS}`);
  assert.deepEqual(sideLog().map((l) => [l.n, l.jobId]), [[1, "job_1"], [2, "job_2"]]);
  assert.equal(disk.files.get(IDS)!.split("\n").length, 3, "two whole lines, nothing else");
  assert.equal(warnings.length, 1, "warned once");
});

Deno.test("opening a store removes a side log its journal already holds", async () => {
  const time = virtualClock();
  const disk = fakeDisk();
  disk.files.set(
    IDS,
    '{"n":1,"step":"load:s1","jobId":"job_1","at":"2026-01-01T00:00:01Z"}\n{"n":2,',
  );
  const journal = newJournal(small, { tenant: "t", baseUrl: "https://t" }, "2026-01-01T00:00:00Z");
  journal.idsThrough = 1;
  await openJournalStore({
    path: "j.json",
    journal,
    io: { ...disk.io, clock: time.clock },
    warn: (m) => assert.fail(m),
  });
  assert.equal(disk.last().idsThrough, 1);
  assert.ok(!disk.files.has(IDS));
});
