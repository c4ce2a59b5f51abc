import type { ConfigIo } from "../lib/config.ts";

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
