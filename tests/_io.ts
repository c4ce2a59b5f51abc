import type { ConfigIo } from "../lib/app/settings/config.ts";
import type { Io } from "../lib/app/io.ts";
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
    exists: (p) => Promise.resolve(files.has(p)),
    fetch: () => Promise.reject(new Error("no network in this test")),
    createFetch: () => Promise.reject(new Error("no network in this test")),
    clock: realClock,
    signal: never,
    hardSignal: never,
    untilSignal: () => new Promise(() => {}),
    ...overrides,
  };
}
