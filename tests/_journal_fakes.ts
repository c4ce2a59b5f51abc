/** A virtual clock and an in-memory disk for the journal store's tests: no real time, no files. */
import type { Clock } from "../lib/kit/clock.ts";
import type { JournalData } from "../lib/app/journal/journal.ts";
import type { Io } from "../lib/app/io.ts";

export const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A clock whose time moves only when the test says; sleeps wait for it, or for their signal. */
export function virtualClock() {
  let now = T0;
  const sleepers = new Set<{ at: number; resolve: () => void }>();
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = { at: now + ms, resolve };
        sleepers.add(sleeper);
        signal?.addEventListener("abort", () => {
          sleepers.delete(sleeper);
          reject(signal.reason);
        }, { once: true });
      }),
  };
  return {
    clock,
    /** How many sleeps are pending. */
    sleeping: () => sleepers.size,
    /** Moves time forward, waking the sleeps that are due, then lets the program run. */
    async advance(ms: number) {
      now += ms;
      for (const s of [...sleepers].filter((s) => s.at <= now)) {
        sleepers.delete(s);
        s.resolve();
      }
      await settle();
    },
  };
}

/** Lets every pending promise callback run (no timers, no real time). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

type DiskIo = Pick<Io, "writeTextFile" | "appendTextFile" | "removeFile">;

/**
 * Files in memory, written through the store's effects. `hold(path)` makes the next operations on
 * that file wait until `release()`; `fail(path, e)` makes them fail (a partial append leaves half
 * of its text, as a full disk would).
 */
export function fakeDisk(journalPath = "j.json") {
  const files = new Map<string, string>();
  /** Every whole write of the journal, in order. */
  const writes: string[] = [];
  /** Every operation, as `write j.json`, `append j.json.ids`, `remove j.json.ids`. */
  const ops: string[] = [];
  const held = new Map<string, (() => void)[]>();
  const failing = new Map<string, Error>();

  const perform = (op: string, path: string, apply: () => void): Promise<void> => {
    const e = failing.get(path);
    if (e) return Promise.reject(e);
    const done = () => {
      ops.push(`${op} ${path}`);
      apply();
    };
    const queue = held.get(path);
    if (!queue) return Promise.resolve(done());
    return new Promise<void>((resolve) => queue.push(() => resolve(done())));
  };
  const io: DiskIo = {
    writeTextFile: (path, text) =>
      perform("write", path, () => {
        files.set(path, text);
        if (path === journalPath) writes.push(text);
      }),
    appendTextFile: (path, text) => {
      const e = failing.get(path);
      if (e) files.set(path, (files.get(path) ?? "") + text.slice(0, text.length >> 1));
      return perform("append", path, () => files.set(path, (files.get(path) ?? "") + text));
    },
    removeFile: (path) => perform("remove", path, () => files.delete(path)),
  };
  return {
    io,
    files,
    writes,
    ops,
    /** The journal as the last whole write left it. */
    last: (): JournalData => JSON.parse(writes.at(-1)!),
    hold: (path = journalPath) => void held.set(path, []),
    release: (path = journalPath) => {
      const queue = held.get(path) ?? [];
      held.delete(path);
      for (const done of queue) done();
    },
    fail: (path: string, e: Error | null) => void (e ? failing.set(path, e) : failing.delete(path)),
  };
}
