import type { ConfigIo } from "../lib/app/settings/config.ts";
import type { FileLock, Io } from "../lib/app/io.ts";
import { JournalLockedError } from "../lib/app/journal/lock.ts";
import { realClock } from "../lib/kit/clock.ts";

/** A ConfigIo over an in-memory file map and environment. */
export function memoryIo(
  files: Record<string, string> = {},
  env: Record<string, string | undefined> = {},
): ConfigIo {
  return {
    env,
    readTextFile: (path) =>
      path in files
        ? Promise.resolve(files[path]!)
        : Promise.reject(new Error(`No such file or directory: ${path}`)),
    exists: (path) => Promise.resolve(path in files),
  };
}

/**
 * A whole Io for in-process command tests: files in `files`, no network, no signals, streams that
 * write nowhere. Pass what a test watches or needs real in `overrides`.
 */
export function fakeIo(files: Map<string, string>, overrides: Partial<Io> = {}): Io {
  const never = new AbortController().signal;
  const held = new Map<string, string>();
  return {
    env: {},
    secrets: new Set(),
    out: () => {},
    err: () => {},
    terminal: { stdin: false, stdout: false },
    readTextFile: (p) =>
      files.has(p) ? Promise.resolve(files.get(p)!) : Promise.reject(new Error(`no file ${p}`)),
    writeTextFile: (p, text) => {
      files.set(p, text);
      return Promise.resolve();
    },
    writeOutputFile: (p, text) => {
      files.set(p, text);
      return Promise.resolve();
    },
    appendTextFile: (p, text) => {
      files.set(p, (files.get(p) ?? "") + text);
      return Promise.resolve();
    },
    removeFile: (p) => {
      files.delete(p);
      return Promise.resolve();
    },
    exists: (p) => Promise.resolve(files.has(p)),
    listFiles: (dir) =>
      Promise.resolve(
        [...files.keys()].filter((p) =>
          p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes("/")
        )
          .map((p) => p.slice(dir.length + 1)),
      ),
    // Journals held in memory: a second hold of the same path is refused, as the real lock does.
    lockJournal: (p) => {
      const since = held.get(p);
      if (since !== undefined) {
        return Promise.reject(
          new JournalLockedError(p, { pid: Deno.pid, host: "this test", since }),
        );
      }
      held.set(p, new Date().toISOString());
      let released = false;
      const lock: FileLock = {
        release: () => {
          if (!released) held.delete(p);
          released = true;
          return Promise.resolve();
        },
      };
      return Promise.resolve(lock);
    },
    fetch: () => Promise.reject(new Error("no network in this test")),
    createFetch: () => Promise.reject(new Error("no network in this test")),
    clock: realClock,
    signal: never,
    hardSignal: never,
    untilSignal: () => new Promise(() => {}),
    ...overrides,
  };
}
