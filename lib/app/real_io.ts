import type { InterruptSignal } from "../kit/run/outcome.ts";
import { realClock } from "../kit/clock.ts";
import { redact } from "../kit/api/redact.ts";
import { freshConnectionFetch } from "../kit/api/fresh_fetch.ts";
import type { FileLock, Io } from "./io.ts";
import { selfCommand } from "./self_command.ts";
import { lockJournalFile } from "./journal/lock.ts";
import { isMachineError, machineError } from "./machine_errors.ts";

/** `deno run -A /path/main.ts` from a checkout, or the compiled binary's own path. */

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
}

/**
 * Writes to a stream whose reader may go away (`| head`): the first broken pipe calls `onClosed`
 * once, and later writes are dropped, so a closed pipe is an interrupt, never a crash.
 */
function pipeWriter(
  file: { writeSync(p: Uint8Array): number },
  onClosed: () => void,
): (text: string) => void {
  let closed = false;
  return (text) => {
    if (closed) return;
    try {
      writeAll(file, text);
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      closed = true;
      onClosed();
    }
  };
}

/** The temporary file `atomicWrite()` writes `path` through: `<path>.<8 hex digits>.tmp`. */
const tempFileOf = (path: string) => `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;

/**
 * Writes a file atomically: a temporary file beside it, flushed, then renamed over it. When any
 * of it fails, the temporary file is removed and the error is the write's own.
 */
export async function atomicWrite(path: string, text: string): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const tmp = tempFileOf(path);
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o600 });
  try {
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    try {
      await removeIfThere(tmp);
    } catch (cleanup) {
      // The write's own error is the one to report; the journal's next opening removes the file.
      if (!isMachineError(cleanup)) throw cleanup;
    }
    throw e;
  }
}

/** The folder `path` is in ("." for a bare name, "/" for a file at the root). */
const folderOf = (path: string) =>
  path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";

/**
 * Writes `text` through `path` like any program's output file: opened for writing (following a
 * symbolic link; a device or pipe is written to, not replaced), truncated, created with the
 * umask's mode when new. A missing folder on the way is made, then the open is tried again.
 */
export async function writeThrough(path: string, text: string): Promise<void> {
  const open = () => Deno.open(path, { write: true, create: true, truncate: true });
  let file: Deno.FsFile;
  try {
    file = await open();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || await fileExists(folderOf(path))) throw e;
    await Deno.mkdir(folderOf(path), { recursive: true });
    file = await open();
  }
  try {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
}

/**
 * Appends to a file (creating it) and flushes its data to disk before resolving (`fdatasync`): the
 * run journal's side log of new job ids, one short line at a time.
 */
export async function durableAppend(path: string, text: string): Promise<void> {
  const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  try {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.syncData();
  } finally {
    file.close();
  }
}

/** Removes a file, when it is there. */
export async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Removes the temporary files `atomicWrite()` left beside `path` (`<path>.<8>.tmp`) and beside its
 * side log (`<path>.ids.<8>.tmp`) when its process was killed mid-write. Only for a file this
 * process holds (the run journal, once locked): no live writer has one in flight. The side log
 * itself stays: it may hold job ids the journal does not have yet.
 */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash) || "/";
  const name = path.slice(slash + 1);
  for await (const entry of Deno.readDir(dir)) {
    const rest = entry.name.startsWith(`${name}.`) ? entry.name.slice(name.length + 1) : "";
    if (entry.isFile && /^(ids\.)?[0-9a-f]{8}\.tmp$/.test(rest)) {
      await removeIfThere(`${dir}/${entry.name}`);
    }
  }
}

/** Takes the run journal at `path` (see `lockJournalFile()`), then clears a killed run's leftovers. */
async function lockJournal(path: string): Promise<FileLock> {
  const lock = await lockJournalFile(path);
  try {
    await removeStaleTempFiles(path);
  } catch (e) {
    await lock.release();
    throw machineError(e, {
      doing: "clean up beside the run journal",
      path,
      instead: "pass --state with another path",
    });
  }
  return lock;
}

/** The names of the files in `dir`, or none when there is no such folder. */
export async function fileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw e;
  }
  return names;
}

/** True when a file (or folder) exists at `path`. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The terminal's columns, or undefined when no standard stream is a terminal. */
function terminalColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns || undefined;
  } catch (e) {
    // Not a terminal (ENOTTY) on any of stdin, stdout and stderr.
    if (e instanceof Error) return undefined;
    throw e;
  }
}

/** The real effects: Deno's streams, files, fetch and clock. */
export function createRealIo(
  signal: AbortSignal,
  hardSignal: AbortSignal,
  onStdoutClosed: () => void = () => {},
): Io {
  const secrets = new Set<string>();
  const env = Deno.env.toObject();
  if (env.TAMR_API_KEY) secrets.add(env.TAMR_API_KEY);
  const out = pipeWriter(Deno.stdout, onStdoutClosed);
  const err = pipeWriter(Deno.stderr, () => {});
  return {
    env,
    secrets,
    out: (text) => out(redact(text, [...secrets])),
    // Nobody is left to tell when stderr is gone.
    err: (text) => err(redact(text, [...secrets])),
    terminal: {
      stdin: Deno.stdin.isTerminal(),
      stdout: Deno.stdout.isTerminal(),
      columns: terminalColumns,
    },
    readTextFile: (path) => Deno.readTextFile(path),
    writeTextFile: atomicWrite,
    writeOutputFile: writeThrough,
    appendTextFile: durableAppend,
    removeFile: removeIfThere,
    exists: fileExists,
    listFiles: fileNames,
    lockJournal,
    fetch: globalThis.fetch.bind(globalThis),
    createFetch: freshConnectionFetch,
    clock: realClock,
    signal,
    hardSignal,
    selfCommand: selfCommand({ env, execPath: Deno.execPath(), mainModule: Deno.mainModule }),
    untilSignal: () =>
      new Promise((resolve) => {
        if (signal.aborted) {
          resolve((signal.reason as { signal?: InterruptSignal })?.signal ?? "SIGINT");
          return;
        }
        signal.addEventListener("abort", () => {
          resolve((signal.reason as { signal?: InterruptSignal })?.signal ?? "SIGINT");
        }, { once: true });
      }),
  };
}
