/**
 * The run journal in memory and on disk: the store owns the JournalData and keeps it on disk
 * through the injected Io.
 *
 * The whole journal is rewritten atomically, coalesced and paced: one write in flight, the latest
 * state pending, the next `gapMs` after the last ended; `flush()` and `close()` write at once. A
 * step's new job id must not wait (a crash before it is on disk would create that job again on
 * `--resume`). While the journal is small, a whole rewrite costs about what an append does, so
 * the journal is rewritten as soon as the write in flight ends. Once it is `sideLogFromBytes` or
 * more (about 100 steps), the new job id is appended at once to the side log beside it
 * (`<journal>.ids`, see side_log.ts) and the whole journal follows at its pace; each rewrite
 * drops the side log's lines it holds, and a run that closes removes the side log.
 */
import type { Io } from "../io.ts";
import { machineProblem } from "../machine_errors.ts";
import type { JournalChange, JournalData } from "./journal.ts";
import { pacedWrites } from "./_paced_writes.ts";
import { sideLogPathOf } from "./side_log.ts";
import { sideLogWriter } from "./_side_log_writer.ts";

/** The least time between two whole rewrites of the journal while a run goes on. */
export const JOURNAL_WRITE_GAP_MS = 1_000;

/** From this size on, a new job id goes to the side log at once instead of a whole rewrite. */
export const JOURNAL_SIDE_LOG_FROM_BYTES = 16 * 1024;

/** What a journal store needs: where, what, and the effects it writes and waits with. */
export interface JournalStoreOptions {
  path: string;
  /**
   * The journal to own, with its side log's lines merged in (as `readJournal()` returns it); the
   * store changes it in place from now on.
   */
  journal: JournalData;
  io: Pick<Io, "writeTextFile" | "appendTextFile" | "removeFile" | "clock">;
  /** Told, once, when a write fails; the run goes on and later writes are tried again. */
  warn: (message: string) => void;
  /** The least time between two paced rewrites; default `JOURNAL_WRITE_GAP_MS`. */
  gapMs?: number;
  /** The size from which new job ids go to the side log; default `JOURNAL_SIDE_LOG_FROM_BYTES`. */
  sideLogFromBytes?: number;
}

/** The journal of one run, kept on disk as it changes. */
export interface JournalStore {
  readonly path: string;
  /** The journal as it is now; read it, change it only through `update()`. */
  readonly journal: Readonly<JournalData>;
  /**
   * Changes the journal in place. `change` says what changed: a step's new job id (on disk at
   * once), `"paced"` for anything else, or null when nothing did. Ignored once the store is closed.
   */
  update(change: (journal: JournalData) => JournalChange): void;
  /** Writes what is pending at once; resolves once every change so far is on disk (or failed). */
  flush(): Promise<void>;
  /** Takes no more changes, and writes what is pending at once (as `flush()`). */
  close(): Promise<void>;
}

/** The journal as its file holds it: compact JSON on one line. */
export function journalText(journal: JournalData): string {
  return JSON.stringify(journal) + "\n";
}

/**
 * Writes the journal at once (then drops a side log it holds) and returns the store that keeps it
 * up to date. Rejects with the write's own error when that first write fails (the caller says
 * what to do about it).
 */
export async function openJournalStore(options: JournalStoreOptions): Promise<JournalStore> {
  const { path, journal, io, warn } = options;
  const sideLogFrom = options.sideLogFromBytes ?? JOURNAL_SIDE_LOG_FROM_BYTES;
  let warned = false;
  const failed = (e: unknown, where: string) => {
    if (warned) return;
    warned = true;
    warn(`Cannot write the run journal ${where}: ${machineProblem(e, where)}`);
  };
  const sideLog = sideLogWriter({ path: sideLogPathOf(path), io, failed });
  /** The side log's lines so far: the last one's number. */
  let numbered = journal.idsThrough ?? 0;
  let lastSize = 0;
  const rewrite = async () => {
    const through = numbered;
    if (through > 0) journal.idsThrough = through;
    const text = journalText(journal);
    await io.writeTextFile(path, text);
    lastSize = text.length;
    sideLog.covered(through);
  };
  await rewrite();
  await sideLog.idle();

  const writes = pacedWrites({
    write: () => rewrite().catch((e: unknown) => failed(e, path)),
    clock: io.clock,
    gapMs: options.gapMs ?? JOURNAL_WRITE_GAP_MS,
    lastWriteEnd: io.clock.now(),
  });
  const flush = async () => {
    await writes.flush();
    await sideLog.idle();
  };
  let closed = false;
  return {
    path,
    get journal() {
      return journal;
    },
    update(change) {
      if (closed) return;
      const changed = change(journal);
      if (changed === null) return;
      const urgent = changed !== "paced";
      if (urgent && lastSize >= sideLogFrom) {
        sideLog.add({ n: ++numbered, step: changed.step, jobId: changed.jobId, at: changed.time });
      }
      writes.changed(urgent && lastSize < sideLogFrom);
    },
    flush,
    close() {
      closed = true;
      return flush();
    },
  };
}
