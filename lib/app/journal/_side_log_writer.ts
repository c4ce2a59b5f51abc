/**
 * Keeps the side log on disk: each new job id's line is appended (and flushed) at once, the lines
 * that arrive while an append is in flight go together in the next; once a whole rewrite of the
 * journal holds some lines, they are dropped: the side log is rewritten atomically with the rest,
 * or removed when none is left. One operation at a time, in order.
 */
import type { Io } from "../io.ts";
import { type SideLogLine, sideLogText } from "./side_log.ts";

/** The side log of one journal, written by this run alone. */
export interface SideLogWriter {
  /** Appends a line (numbered one more than the last) at once. */
  add(line: SideLogLine): void;
  /** The journal on disk now holds every line numbered up to `n`: drop them. */
  covered(n: number): void;
  /** Resolves once every operation asked for so far has ended (or failed). */
  idle(): Promise<void>;
}

export interface SideLogWriterOptions {
  path: string;
  io: Pick<Io, "appendTextFile" | "writeTextFile" | "removeFile">;
  /** Told when an operation fails; the next change tries again. */
  failed: (error: unknown, path: string) => void;
}

/**
 * A writer for the side log at `path`, which may hold anything when it starts (an earlier run's
 * lines, a line cut short): its first operation rewrites or removes it, never appends to it.
 */
export function sideLogWriter({ path, io, failed }: SideLogWriterOptions): SideLogWriter {
  /** The lines no whole rewrite holds yet, in order. */
  let lines: SideLogLine[] = [];
  let coveredThrough = 0;
  /** What the file holds, or null when that is not known (then it is rewritten or removed). */
  let onDisk: readonly SideLogLine[] | null = null;
  let busy = false;
  let done = Promise.resolve();

  /** One operation that writes the file, and what it holds once that succeeds. */
  const operation = (write: () => Promise<void>, holds: readonly SideLogLine[]) => async () => {
    try {
      await write();
      onDisk = holds;
      return true;
    } catch (e) {
      onDisk = null; // an append cut short, or a rewrite that did not happen: rewrite it next time
      failed(e, path);
      return false;
    }
  };

  /** The operation that brings the file closer to `lines`, or null when it holds them. */
  const next = () => {
    lines = lines.filter((l) => l.n > coveredThrough);
    const wanted = [...lines];
    if (onDisk === null || onDisk.some((l) => l.n <= coveredThrough)) {
      return wanted.length === 0
        ? operation(() => io.removeFile(path), [])
        : operation(() => io.writeTextFile(path, sideLogText(wanted)), wanted);
    }
    // The file holds no covered line, so it holds the first of `lines`: append the others.
    if (onDisk.length >= wanted.length) return null;
    const more = sideLogText(wanted.slice(onDisk.length));
    return operation(() => io.appendTextFile(path, more), wanted);
  };

  const run = async () => {
    busy = true;
    try {
      for (let op = next(); op; op = next()) if (!(await op())) break;
    } finally {
      busy = false;
    }
  };
  const kick = () => {
    if (!busy) done = run();
  };

  return {
    add(line) {
      lines.push(line);
      kick();
    },
    covered(n) {
      coveredThrough = Math.max(coveredThrough, n);
      kick();
    },
    idle: () => done,
  };
}
