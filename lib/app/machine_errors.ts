/**
 * Errors from the machine, not from tamr-refresh: a path through a regular file, a folder where a
 * file should be, no permission, a full disk, a read-only file system. Each becomes a plain
 * sentence naming the path and the fix, never "a bug" with a stack trace.
 */
import { UsageError } from "../kit/errors.ts";

/** What went wrong, in a few words, and what to do about it; by errno name. */
interface Problem {
  problem: string;
  fix: string;
}

/** The errno names Deno gives file system errors (`error.code`), and Deno's own error classes. */
function errnoOf(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return code;
  if (e instanceof Deno.errors.NotFound) return "ENOENT";
  if (e instanceof Deno.errors.PermissionDenied) return "EACCES";
  if (e instanceof Deno.errors.NotADirectory) return "ENOTDIR";
  if (e instanceof Deno.errors.IsADirectory) return "EISDIR";
  if (e instanceof Deno.errors.AlreadyExists) return "EEXIST";
  if (e instanceof Deno.errors.FilesystemLoop) return "ELOOP";
  if (e instanceof Deno.errors.Busy) return "EBUSY";
  if (e instanceof Deno.errors.NotCapable) return "NOTCAPABLE";
  return undefined;
}

/** The first folder on the way to `path` that is a file (for ENOTDIR), if it can be told. */
function fileOnTheWay(path: string): string | undefined {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    if (prefix === "" || prefix === ".") continue;
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(prefix);
    } catch (e) {
      // A part that is missing or unreadable: the file, if any, is not before it.
      if (errnoOf(e) !== undefined) return undefined;
      throw e;
    }
    if (!info.isDirectory) return prefix;
  }
  return undefined;
}

/** True when `path` is a folder that is there (a file system that refuses a new file in it). */
function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch (e) {
    if (errnoOf(e) !== undefined) return false;
    throw e;
  }
}

/** `instead`: what else the user can do, as a phrase ("pass --state with another path"). */
function problemOf(errno: string, path: string, instead = "use another path"): Problem | null {
  const Instead = `${instead.charAt(0).toUpperCase()}${instead.slice(1)}`;
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  switch (errno) {
    case "ENOENT":
      return { problem: "there is no such file", fix: `Check the path, or ${instead}.` };
    case "ENOENT_CREATE":
      // A folder that is there but takes no new file: /proc, /sys.
      return { problem: `no file can be made in ${folder}`, fix: `${Instead}.` };
    case "EACCES":
    case "EPERM":
      return {
        problem: "permission denied",
        fix: `Give this user access to ${folder} (and the file, if there is one), or ${instead}.`,
      };
    case "ENOTDIR": {
      const file = fileOnTheWay(path);
      return {
        problem: file
          ? `${file} is a file, not a folder`
          : "a part of the path is a file, not a folder",
        fix: `${Instead}.`,
      };
    }
    case "EISDIR":
      return {
        problem: "it is a folder, not a file",
        fix: `${Instead}, to a file rather than a folder.`,
      };
    case "ENOSPC":
      return {
        problem: "the disk is full",
        fix: `Free some space on the disk that holds ${folder}, or ${instead} on another disk.`,
      };
    case "EDQUOT":
      return {
        problem: "the disk quota is used up",
        fix: `Free some space in ${folder}, or ${instead} on another disk.`,
      };
    case "EROFS":
      return {
        problem: "the file system is read-only",
        fix: `Mount it read-write, or ${instead} on a writable file system.`,
      };
    case "ENAMETOOLONG":
      return { problem: "the path is too long", fix: `Use a shorter name, or ${instead}.` };
    case "ELOOP":
      return {
        problem: "its symbolic links go round in a loop",
        fix: `Fix the links, or ${instead}.`,
      };
    case "EMFILE":
    case "ENFILE":
      return {
        problem: "too many files are open",
        fix: "Raise the open-file limit (ulimit -n), or close other programs.",
      };
    case "EIO":
      return {
        problem: "the disk reported an input/output error",
        fix: `Check the disk, or ${instead} on another disk.`,
      };
    case "EBUSY":
    case "ETXTBSY":
      return { problem: "it is busy", fix: `Try again, or ${instead}.` };
    case "EEXIST":
      return { problem: "something else is already there", fix: `Move it away, or ${instead}.` };
    case "NOTCAPABLE":
      return {
        problem: "Deno's permissions do not allow it",
        fix: "Run with --allow-read and --allow-write (`deno task start` does).",
      };
    default:
      return null;
  }
}

/** True when `e` is an error of the machine's (a file system errno), not of tamr-refresh. */
export function isMachineError(e: unknown): boolean {
  const errno = errnoOf(e);
  return errno !== undefined && problemOf(errno, "") !== null;
}

/**
 * Why a file operation on `path` failed, in a few words ("the disk is full"); for an error that
 * is not the machine's, its own message.
 */
export function machineProblem(e: unknown, path: string): string {
  const errno = errnoOf(e);
  const known = errno === undefined ? null : problemOf(errno, path);
  return known?.problem ?? (e instanceof Error ? e.message : String(e));
}

/**
 * A failed file operation as a UsageError (exit 2, for failures before anything was created):
 * `Cannot <doing> <path>: <problem>`, with the fix as its hint. `instead` is what else the user
 * can do, for the fix ("pass --state with another path"); `hint` is the hint when the error is
 * not the machine's, or the file is missing. `creating`: the operation made the file, so "no such
 * file" in a folder that is there means the folder takes none (/proc), not a wrong path.
 */
export function machineError(
  e: unknown,
  what: { doing: string; path: string; instead?: string; hint?: string; creating?: boolean },
): UsageError {
  const found = errnoOf(e);
  const folder = what.path.includes("/")
    ? what.path.slice(0, what.path.lastIndexOf("/")) || "/"
    : ".";
  const errno = found === "ENOENT" && what.creating && isFolder(folder) ? "ENOENT_CREATE" : found;
  const known = errno === undefined ? null : problemOf(errno, what.path, what.instead);
  const problem = known?.problem ?? (e instanceof Error ? e.message : String(e));
  // A missing file is a wrong path, which the caller's hint knows best how to put right.
  const fix = known && errno !== "ENOENT" ? known.fix : what.hint ?? known?.fix;
  return new UsageError(`Cannot ${what.doing} ${what.path}: ${problem}`, {
    ...(fix ? { hint: fix } : {}),
    cause: e,
  });
}

/**
 * A machine's error that reached the top without a context, as one sentence: Deno's message names
 * the operation and the path (`open '/x/y'`), which the sentence keeps.
 */
export function machineErrorSentence(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const op = message.match(/: (\w+) '([^']*)'(?: -> '([^']*)')?$/);
  const path = op?.[3] ?? op?.[2];
  const errno = errnoOf(e);
  const known = errno === undefined ? null : problemOf(errno, path ?? "");
  if (!known) return message;
  const doing = op ? `${op[1]} ${op[3] ? `${op[2]} to ${op[3]}` : op[2]}` : "use a file";
  return `Cannot ${doing}: ${known.problem}. ${known.fix}`;
}
