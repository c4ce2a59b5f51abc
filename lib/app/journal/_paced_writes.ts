/**
 * Coalesced, paced writes of one file: one write in flight at most, the latest state pending; the
 * next starts `gapMs` after the last ended, unless a change asks to be written at once (then it
 * follows the write in flight, if any, and a write asleep is woken for it) or `flush()` is called.
 */
import type { Clock } from "../../kit/clock.ts";

/** The writes of one file, as changes come. */
export interface PacedWrites {
  /** A change to write: within the gap, or as soon as it can be when `now`. */
  changed(now: boolean): void;
  /** Writes what is pending at once; resolves once every change so far is written (or failed). */
  flush(): Promise<void>;
}

export interface PacedWritesOptions {
  /** Writes the state as it is then; never rejects (it reports its own failures). */
  write: () => Promise<void>;
  clock: Clock;
  /** The least time between the end of one paced write and the start of the next. */
  gapMs: number;
  /** When the last write ended (ms since the epoch). */
  lastWriteEnd: number;
}

/** Paced writes through `write`, starting with nothing to write. */
export function pacedWrites(options: PacedWritesOptions): PacedWrites {
  const { write, clock, gapMs } = options;
  let lastWriteEnd = options.lastWriteEnd;
  // Changes are counted: `written` of them are on disk, every one up to `hurried` must be written
  // without pacing (a change that must not wait, or a flush).
  let changes = 0;
  let written = 0;
  let hurried = 0;
  let writing = false;
  let wake: AbortController | null = null;
  const waiters: { upTo: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /** Resolves the flushes whose changes are all written. */
  const release = () => {
    for (const w of waiters.filter((w) => w.upTo <= written)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  const pause = async (ms: number) => {
    const controller = new AbortController();
    wake = controller;
    try {
      await clock.sleep(ms, controller.signal);
    } catch (e) {
      if (!controller.signal.aborted) throw e; // only a change that must not wait cuts it short
    } finally {
      wake = null;
    }
  };

  const writeAll = async () => {
    writing = true;
    try {
      while (written < changes) {
        const wait = lastWriteEnd + gapMs - clock.now();
        if (wait > 0 && hurried <= written) await pause(wait);
        const upTo = changes;
        await write();
        lastWriteEnd = clock.now();
        written = upTo;
        release();
      }
    } catch (e) {
      // Only a clock whose sleep fails unasked gets here: the flushes waiting fail with it.
      for (const w of waiters.splice(0)) w.reject(e);
      throw e;
    } finally {
      writing = false;
    }
  };

  /** Starts the writer unless it runs, and wakes it if it sleeps while a change must not wait. */
  const kick = () => {
    if (hurried > written) wake?.abort();
    if (!writing) void writeAll();
  };

  return {
    changed(now) {
      changes++;
      if (now) hurried = changes;
      kick();
    },
    flush() {
      if (written >= changes) return Promise.resolve();
      hurried = changes;
      const done = new Promise<void>((resolve, reject) => {
        waiters.push({ upTo: changes, resolve, reject });
      });
      kick();
      return done;
    },
  };
}
