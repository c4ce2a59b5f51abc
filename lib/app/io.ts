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
  /** Whether stdin and stdout are terminals. */
  terminal: { stdin: boolean; stdout: boolean };
  readTextFile: (path: string) => Promise<string>;
  /** Writes a file atomically (temporary file, flush, rename). */
  writeTextFile: (path: string, text: string) => Promise<void>;
  exists: (path: string) => Promise<boolean>;
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
  untilSignal: () => Promise<"SIGINT" | "SIGTERM">;
}

/** True when the run may prompt and draw the dashboard. */
export function isInteractive(
  io: Io,
  options: { headless?: boolean | undefined; output?: string | undefined },
): boolean {
  const ci = io.env.CI !== undefined && io.env.CI !== "" && io.env.CI !== "false" &&
    io.env.CI !== "0";
  return !options.headless && options.output !== "json" && io.terminal.stdin &&
    io.terminal.stdout && !ci;
}
