/**
 * The run journal in memory and on disk: the store owns the JournalData and writes it atomically
 * through the injected `writeTextFile`.
 *
 * Each write rewrites the whole file (about 0.5 MB with 1,000 sources), so writes are coalesced
 * (one in flight, the latest state pending) and paced: the next starts `gapMs` after the last
 * ended. A change that must not wait (a step got a new job id: a crash before it is on disk would
 * create that job again on `--resume`) is written as soon as the write in flight, if any, ends; a
 * paced write asleep is woken for it. `flush()` and `close()` write what is pending at once.
 */
import type { Clock } from "../../kit/clock.ts";
import { machineProblem } from "../machine_errors.ts";
import type { JournalData, WriteUrgency } from "./journal.ts";

/** The least time between two journal writes while a run goes on. */
export const JOURNAL_WRITE_GAP_MS = 1_000;

/** What a journal store needs: where, what, and the effects it writes and waits with. */
export interface JournalStoreOptions {
  path: string;
  /** The journal to own; the store changes it in place from now on. */
  journal: JournalData;
  /** Writes a file atomically (temporary file, flush, rename), as `Io.writeTextFile`. */
  writeTextFile: (path: string, text: string) => Promise<void>;
  clock: Clock;
  /** Told, once, when a write fails; the run goes on and later writes are tried again. */
  warn: (message: string) => void;
  /** The least time between two paced writes; default `JOURNAL_WRITE_GAP_MS`. */
  gapMs?: number;
}

/** The journal of one run, kept on disk as it changes. */
export interface JournalStore {
  readonly path: string;
  /** The journal as it is now; read it, change it only through `update()`. */
  readonly journal: Readonly<JournalData>;
  /**
   * Changes the journal in place. `change` says how soon the change must be written (`"at-once"`
   * or `"paced"`), or null when it changed nothing. Ignored once the store is closed.
   */
  update(change: (journal: JournalData) => WriteUrgency | null): void;
  /** Writes what is pending at once; resolves once every change so far is on disk (or failed). */
  flush(): Promise<void>;
  /** Takes no more changes, and writes what is pending at once (as `flush()`). */
  close(): Promise<void>;
}

/** The journal as its file holds it. */
export function journalText(journal: JournalData): string {
  return JSON.stringify(journal, null, 2) + "\n";
}

/**
 * Writes the journal at once and returns the store that keeps it up to date. Rejects with the
 * write's own error when that first write fails (the caller says what to do about it).
 */
export async function openJournalStore(options: JournalStoreOptions): Promise<JournalStore> {
  const { path, journal, writeTextFile, clock, warn } = options;
  const gapMs = options.gapMs ?? JOURNAL_WRITE_GAP_MS;
  await writeTextFile(path, journalText(journal));
  let lastWriteEnd = clock.now();

  // Changes are counted: `written` of them are on disk, every one up to `hurried` must be written
  // without pacing (a change that must not wait, or a flush).
  let changes = 0;
  let written = 0;
  let hurried = 0;
  let writing = false;
  let closed = false;
  let warned = false;
  let wake: AbortController | null = null;
  const waiters: { upTo: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /** Resolves the flushes whose changes are all on disk. */
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
        try {
          await writeTextFile(path, journalText(journal));
        } catch (e) {
          if (!warned) {
            warned = true;
            warn(`Cannot write the run journal ${path}: ${machineProblem(e, path)}`);
          }
        }
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

  const flush = () => {
    if (written >= changes) return Promise.resolve();
    hurried = changes;
    const done = new Promise<void>((resolve, reject) => {
      waiters.push({ upTo: changes, resolve, reject });
    });
    kick();
    return done;
  };

  return {
    path,
    get journal() {
      return journal;
    },
    update(change) {
      if (closed) return;
      const urgency = change(journal);
      if (urgency === null) return;
      changes++;
      if (urgency === "at-once") hurried = changes;
      kick();
    },
    flush,
    close() {
      closed = true;
      return flush();
    },
  };
}
