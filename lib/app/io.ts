import type { InterruptSignal } from "../kit/run/outcome.ts";
import type { Clock } from "../kit/clock.ts";

/** A file held by this process alone until `release()`, or until the process ends. */
export interface FileLock {
  /** Lets go of it; again is harmless. */
  release(): Promise<void>;
}

/** Every effect a command uses, built once in `main.ts` and faked in tests. */
export interface Io {
  env: Record<string, string | undefined>;
  /** Secrets (the API key) that `out` and `err` replace with `***` should they ever appear. */
  secrets: Set<string>;
  /** Writes to standard output. */
  out: (text: string) => void;
  /** Writes to standard error. */
  err: (text: string) => void;
  /**
   * Whether stdin and stdout are terminals, and the terminal's columns now (undefined when it
   * cannot be told).
   */
  terminal: { stdin: boolean; stdout: boolean; columns?: () => number | undefined };
  readTextFile: (path: string) => Promise<string>;
  /** Writes a file atomically (temporary file, flush, rename). */
  writeTextFile: (path: string, text: string) => Promise<void>;
  /**
   * Writes an output file the user named (`report -o`) through its path, as any program would:
   * follows symbolic links, writes to devices and pipes, keeps an existing file's mode, creates a
   * new one with the umask's mode (making its missing folders). Not atomic.
   */
  writeOutputFile: (path: string, text: string) => Promise<void>;
  /**
   * Appends to a file (creating it) and flushes it to disk before resolving: a crash after that
   * keeps the text. A crash during it may leave part of it at the end of the file.
   */
  appendTextFile: (path: string, text: string) => Promise<void>;
  /** Removes a file; one that is not there is no error. */
  removeFile: (path: string) => Promise<void>;
  exists: (path: string) => Promise<boolean>;
  /** The names of the files in a folder (none when it is not there). */
  listFiles?: (dir: string) => Promise<string[]>;
  /**
   * Takes the run journal at `path` for this run alone (a lock the operating system releases if
   * the process dies), clearing what a killed run left beside it. Rejects with a
   * JournalLockedError when another run holds it.
   */
  lockJournal: (path: string) => Promise<FileLock>;
  fetch: typeof fetch;
  /** The fetch for creates: a fresh connection each time, so the HTTP stack never re-sends one. */
  createFetch: typeof fetch;
  clock: Clock;
  /** Aborted with an InterruptedError on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Aborted on the second signal: give up at once. */
  hardSignal: AbortSignal;
  /** How to run this program again, for the printed `--resume` command (default `tamr-refresh`). */
  selfCommand?: string;
  /** Runs `fn` until the first signal and resolves with it (for foreground servers). */
  untilSignal: () => Promise<InterruptSignal>;
}

/**
 * True in a CI environment: `CI` or `CONTINUOUS_INTEGRATION` is set to anything but `0` or
 * `false`. The rule of is-in-ci (which Ink uses), kept here rather than imported: is-in-ci exports
 * one boolean computed from `process.env` when the module loads, so it cannot read the `env` an
 * `Io` carries (tests pass their own), and importing it loads `node:process` at start.
 */
function isInCi(env: Record<string, string | undefined>): boolean {
  const set = (key: string) => env[key] !== undefined && env[key] !== "0" && env[key] !== "false";
  return set("CI") || set("CONTINUOUS_INTEGRATION");
}

/** True when the run may prompt and draw the dashboard. */
export function isInteractive(
  io: Io,
  options: { headless?: boolean | undefined; output?: string | undefined },
): boolean {
  return !options.headless && options.output !== "json" && io.terminal.stdin &&
    io.terminal.stdout && !isInCi(io.env);
}
