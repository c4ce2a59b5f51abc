/**
 * One run per journal: a lock file beside the journal (`<journal>.lock`), held with the operating
 * system's advisory lock for the whole run and holding who holds it (pid, host, since when). The
 * operating system lets go of the lock when the process ends, however it ends: a run killed with
 * `kill -9` leaves the file behind, and the next run takes it. A run that ends normally removes it.
 */
import type { FileLock } from "../io.ts";
import { isMachineError, machineError } from "../machine_errors.ts";

/** Who holds a journal, as its lock file says. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the journal (RFC 3339). */
  since: string;
}

/** Another run holds the journal: exit 5 (`EXIT_CODES.locked`); nothing was created. */
export class JournalLockedError extends Error {
  override name = "JournalLockedError";
  /** The journal asked for. */
  readonly path: string;
  /** Who holds it, or null when its lock file could not be read. */
  readonly holder: LockHolder | null;
  /** What to do about it. */
  readonly hint: string;
  constructor(path: string, holder: LockHolder | null) {
    super(
      holder
        ? `The run journal ${path} is held by another run: pid ${holder.pid} on ${holder.host}, ` +
          `since ${holder.since}`
        : `The run journal ${path} is held by another run (its lock file ${
          lockPathOf(path)
        } does not say which)`,
    );
    this.path = path;
    this.holder = holder;
    const stop = holder ? ` (or stop it: kill ${holder.pid} on ${holder.host})` : "";
    this.hint = `Nothing was created. Let that run finish${stop}; a run that dies lets go of ` +
      "its journal by itself. To run alongside it, pass another --state FILE.";
  }
}

/** The lock file of the journal at `path`. */
export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/** This machine's name; `Deno.hostname()` needs --allow-sys, which a compiled binary may lack. */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  try {
    return Deno.readTextFileSync("/proc/sys/kernel/hostname").trim() || "this host";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable) {
      return "this host";
    }
    throw e;
  }
}

/** This process, taking a journal now. */
export function thisProcess(): LockHolder {
  return { pid: Deno.pid, host: hostName(), since: new Date().toISOString() };
}

const failed = (path: string) => (e: unknown) =>
  machineError(e, {
    doing: "write the run journal",
    path,
    instead: "pass --state with another path",
  });

/** Opens (creating it and its folder if need be) the lock file of the journal at `path`. */
async function openLockFile(path: string): Promise<Deno.FsFile> {
  const options = { read: true, write: true, create: true, mode: 0o644 } as const;
  try {
    return await Deno.open(lockPathOf(path), options);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw failed(path)(e);
  }
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  if (dir) await Deno.mkdir(dir, { recursive: true }).catch((e) => Promise.reject(failed(path)(e)));
  return await Deno.open(lockPathOf(path), options).catch((e) => Promise.reject(failed(path)(e)));
}

/** Who the lock file says holds it, or null when it says nothing readable. */
async function readHolder(file: Deno.FsFile): Promise<LockHolder | null> {
  const buf = new Uint8Array(4096);
  let length = 0;
  try {
    await file.seek(0, Deno.SeekMode.Start);
    while (length < buf.length) {
      const n = await file.read(buf.subarray(length));
      if (n === null) break;
      length += n;
    }
  } catch (e) {
    if (isMachineError(e)) return null; // the refusal says the lock file does not say who
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(buf.subarray(0, length)));
  } catch (e) {
    // Empty (a holder between taking the lock and writing its name) or damaged: say so.
    if (e instanceof SyntaxError) return null;
    throw e;
  }
  const h = data as Partial<LockHolder> | null;
  return h && typeof h.pid === "number" && typeof h.host === "string" &&
      typeof h.since === "string"
    ? { pid: h.pid, host: h.host, since: h.since }
    : null;
}

/** Writes who holds the lock into its file. */
async function writeHolder(file: Deno.FsFile, self: LockHolder, path: string): Promise<void> {
  const text = new TextEncoder().encode(JSON.stringify({ ...self, journal: path }) + "\n");
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  for (let written = 0; written < text.length;) written += await file.write(text.subarray(written));
}

/** True when `file` is still the file at `lockPath` (not one a run that let go removed). */
async function isStillThere(file: Deno.FsFile, lockPath: string): Promise<boolean> {
  const mine = await file.stat();
  let there: Deno.FileInfo;
  try {
    there = await Deno.stat(lockPath);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  if (mine.ino === null || there.ino === null) return true; // cannot tell: as good as it gets
  return mine.ino === there.ino && mine.dev === there.dev;
}

/** Removes a lock file; one that cannot be removed stays, harmless: the next run takes it. */
async function removeLockFile(lockPath: string): Promise<void> {
  try {
    await Deno.remove(lockPath);
  } catch (e) {
    if (!isMachineError(e)) throw e;
  }
}

/**
 * Takes the journal at `path` for this process alone, or rejects with a JournalLockedError naming
 * who holds it (creating nothing). A lock file left by a process that died is taken. A path that
 * cannot be written is a UsageError saying why.
 */
export async function lockJournalFile(
  path: string,
  self: LockHolder = thisProcess(),
): Promise<FileLock> {
  const lockPath = lockPathOf(path);
  for (let attempt = 1;; attempt++) {
    const file = await openLockFile(path);
    let locked = false;
    try {
      locked = await file.tryLock(true);
      // A run that let go removed the file between our open and our lock: take the new one.
      if (locked && attempt < 10 && !(await isStillThere(file, lockPath))) {
        file.close();
        continue;
      }
      if (locked) await writeHolder(file, self, path);
    } catch (e) {
      if (locked) await removeLockFile(lockPath);
      file.close();
      throw failed(path)(e);
    }
    if (!locked) {
      const holder = await readHolder(file);
      file.close();
      throw new JournalLockedError(path, holder);
    }
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        try {
          // Removed while still held, so that no run takes the old file after we let go of it.
          await removeLockFile(lockPath);
        } finally {
          file.close();
        }
      },
    };
  }
}
