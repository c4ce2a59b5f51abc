/**
 * The journal store on a virtual clock, for a journal small enough that a whole rewrite costs what
 * an append does: writes are coalesced and paced, and a change that must not wait (a new job id)
 * reaches the disk without any virtual time passing, even while a paced write sleeps. No real
 * time passes in these tests. The side log of larger journals: journal_side_log_test.ts.
 */
import assert from "node:assert/strict";
import { buildPlan } from "../lib/kit/run/plan.ts";
import type { RunEvent, StepEvent } from "../lib/kit/run/events.ts";
import { type JournalData, newJournal } from "../lib/app/journal/journal.ts";
import {
  JOURNAL_WRITE_GAP_MS,
  type JournalStore,
  openJournalStore,
} from "../lib/app/journal/store.ts";
import { openRunJournal } from "../lib/app/journal/setup.ts";
import { fakeIo } from "./_io.ts";
import { fakeDisk, settle, virtualClock } from "./_journal_fakes.ts";

const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
const fresh = () =>
  newJournal(plan, { tenant: "t", baseUrl: "https://t.tamr.cloud" }, "2026-01-01T00:00:00Z");

async function open(warnings: string[] = []) {
  const time = virtualClock();
  const disk = fakeDisk();
  const store = await openJournalStore({
    path: "j.json",
    journal: fresh(),
    io: { ...disk.io, clock: time.clock },
    warn: (m) => warnings.push(m),
  });
  return { time, disk, store };
}

/** A paced change: a step started. */
const started = (store: JournalStore, step: string) =>
  store.update((j) => {
    j.steps[step] = { startedAt: "2026-01-01T00:00:00Z" };
    return "paced";
  });
/** A change that must not wait: a step got its job. */
const gotJob = (store: JournalStore, step: string, jobId: string) =>
  store.update((j) => {
    j.steps[step] = { ...j.steps[step], jobId };
    return { step, jobId, time: "2026-01-01T00:00:00Z" };
  });

Deno.test("openJournalStore() writes the journal at once, and rejects when it cannot", async () => {
  const { disk } = await open();
  assert.equal(disk.writes.length, 1);
  assert.equal(disk.last().fingerprint, fresh().fingerprint);

  const broken = fakeDisk();
  broken.fail("j.json", new Error("read-only file system"));
  await assert.rejects(
    () =>
      openJournalStore({
        path: "j.json",
        journal: fresh(),
        io: { ...broken.io, clock: virtualClock().clock },
        warn: () => {},
      }),
    /read-only file system/,
  );
});

Deno.test("in a small journal a new job id is rewritten whole at once, waking a paced write", async () => {
  const { time, disk, store } = await open();
  started(store, "load:s1");
  await settle();
  assert.equal(time.sleeping(), 1, "the paced write waits for the gap after the first write");
  assert.equal(disk.writes.length, 1);

  gotJob(store, "load:s1", "job_1");
  await settle();
  assert.equal(disk.writes.length, 2, "written without any virtual time passing");
  assert.equal(disk.last().steps["load:s1"]?.jobId, "job_1");
  assert.equal(disk.last().steps["load:s1"]?.startedAt, "2026-01-01T00:00:00Z");
  assert.equal(time.sleeping(), 0, "the paced write it woke is part of that write");
  assert.deepEqual(disk.ops, ["write j.json", "remove j.json.ids", "write j.json"], "no side log");

  await time.advance(10 * JOURNAL_WRITE_GAP_MS);
  assert.equal(disk.writes.length, 2, "nothing was left to write");
});

Deno.test("paced changes are coalesced: at most one write per gap, the last state written", async () => {
  const { time, disk, store } = await open();
  for (let i = 0; i < 50; i++) {
    started(store, `load:s${i}`);
    await time.advance(JOURNAL_WRITE_GAP_MS / 10);
  }
  // 50 changes over 5 gaps: one write per gap after the first.
  assert.equal(disk.writes.length, 1 + 5);
  await time.advance(JOURNAL_WRITE_GAP_MS);
  assert.equal(Object.keys(disk.last().steps).length, 50, "the last state is on disk");
  assert.equal(disk.writes.length, 1 + 5, "and no write more than that");
});

Deno.test("a change after a quiet gap is written at once", async () => {
  const { time, disk, store } = await open();
  await time.advance(JOURNAL_WRITE_GAP_MS);
  started(store, "load:s1");
  await settle();
  assert.equal(disk.writes.length, 2);
  assert.ok(disk.last().steps["load:s1"]);
});

Deno.test("in a small journal a new job id while a write is in flight is written right after it", async () => {
  const { time, disk, store } = await open();
  await time.advance(JOURNAL_WRITE_GAP_MS);
  disk.hold();
  started(store, "load:s1");
  await settle();
  gotJob(store, "load:s2", "job_2");
  await settle();
  assert.equal(disk.writes.length, 1, "the first write is still in flight");
  disk.release();
  await settle();
  assert.equal(disk.writes.length, 3, "the next write followed with no virtual time passing");
  assert.equal(disk.last().steps["load:s2"]?.jobId, "job_2");
  assert.equal(time.sleeping(), 0);
});

Deno.test("flush() and close() write what is pending at once; close() ends the writes", async () => {
  const { time, disk, store } = await open();
  started(store, "load:s1");
  await settle();
  assert.equal(time.sleeping(), 1);
  await store.flush();
  assert.equal(disk.writes.length, 2);
  assert.ok(disk.last().steps["load:s1"]);
  await store.flush();
  assert.equal(disk.writes.length, 2, "flush() with nothing pending writes nothing");

  started(store, "load:s2");
  await store.close();
  assert.equal(disk.writes.length, 3);
  assert.ok(disk.last().steps["load:s2"]);
  started(store, "load:s3");
  await time.advance(10 * JOURNAL_WRITE_GAP_MS);
  assert.equal(disk.writes.length, 3, "nothing is written after close()");
});

Deno.test("a failed write is a warning, once; later writes are tried again", async () => {
  const warnings: string[] = [];
  const { time, disk, store } = await open(warnings);
  disk.fail("j.json", new Error("disk full"));
  gotJob(store, "load:s1", "job_1");
  await settle();
  gotJob(store, "load:s2", "job_2");
  await store.flush();
  assert.deepEqual(warnings, ["Cannot write the run journal j.json: disk full"]);
  disk.fail("j.json", null);
  await time.advance(JOURNAL_WRITE_GAP_MS);
  gotJob(store, "load:s3", "job_3");
  await store.flush();
  assert.equal(disk.last().steps["load:s3"]?.jobId, "job_3");
  assert.equal(warnings.length, 1);
});

/** The smallest event source: what the journal's attach() asks for. */
function eventSource() {
  const listeners = new Set<(e: RunEvent) => void>();
  return {
    subscribe(listener: (e: RunEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (e: RunEvent) => listeners.forEach((l) => l(e)),
    listeners: () => listeners.size,
  };
}

const step = (step: string, state: StepEvent["state"], jobId?: string): StepEvent => ({
  type: "step",
  time: "2026-01-01T00:00:00Z",
  step,
  kind: "load",
  target: step.slice(5),
  state,
  ...(jobId ? { jobId } : {}),
});

Deno.test("the run's journal writes a step's new job id at once, from the run's events", async () => {
  const time = virtualClock();
  const files = new Map<string, string>();
  const io = fakeIo(files, { clock: time.clock });
  const journal = await openRunJournal({
    run: {
      tenant: "t",
      baseUrl: "https://t.tamr.cloud",
      dataProduct: "dp",
      concurrency: 4,
      pollIntervalMs: 30_000,
      timeoutMs: 7_200_000,
      requestTimeoutMs: 30_000,
    },
    plan,
    flags: { state: "j.json" },
    io,
    warn: (m) => assert.fail(`no warning expected: ${m}`),
  });
  const events = eventSource();
  journal.attach(events);
  const onDisk = () => JSON.parse(files.get("j.json")!) as JournalData;

  events.emit(step("load:s1", "creating"));
  events.emit(step("load:s1", "running", "job_1"));
  await settle();
  assert.equal(onDisk().steps["load:s1"]?.jobId, "job_1", "no virtual time passed");

  events.emit(step("load:s1", "running", "job_1"));
  events.emit(step("load:s1", "succeeded", "job_1"));
  await settle();
  assert.equal(onDisk().steps["load:s1"]?.outcome, undefined, "an outcome is paced");
  await journal.finish();
  assert.equal(onDisk().steps["load:s1"]?.outcome, "succeeded", "finish() writes it");
  assert.equal(events.listeners(), 0, "finish() stops listening");
});

Deno.test("attach() takes any source of run events, such as a store that passes its state too", async () => {
  const files = new Map<string, string>();
  const journal = await openRunJournal({
    run: {
      tenant: "t",
      baseUrl: "https://t.tamr.cloud",
      dataProduct: "dp",
      concurrency: 4,
      pollIntervalMs: 30_000,
      timeoutMs: 7_200_000,
      requestTimeoutMs: 30_000,
    },
    plan,
    flags: { state: "j.json" },
    io: fakeIo(files, { clock: virtualClock().clock }),
    warn: (m) => assert.fail(`no warning expected: ${m}`),
  });
  const listeners = new Set<(event: RunEvent, state: { events: number }) => void>();
  let count = 0;
  const runStore = {
    subscribe(listener: (event: RunEvent, state: { events: number }) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const detach = journal.attach(runStore);
  for (const l of listeners) l(step("load:s2", "running", "job_2"), { events: ++count });
  await settle();
  assert.equal(JSON.parse(files.get("j.json")!).steps["load:s2"]?.jobId, "job_2");
  detach();
  assert.equal(listeners.size, 0);
  await journal.finish();
});
