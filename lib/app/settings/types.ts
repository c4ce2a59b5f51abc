/** The types that describe one run's settings, from the flags as typed to the values resolved. */
import type { Pacing } from "../pacing.ts";

export type { Pacing } from "../pacing.ts";
export { pacingOf } from "../pacing.ts";

/** The `run` flags as commander hands them over (all optional, all strings as typed). */
export interface RunFlags {
  config?: string | undefined;
  tenant?: string | undefined;
  baseUrl?: string | undefined;
  source?: string[] | undefined;
  dataProduct?: string | undefined;
  workflow?: string | undefined;
  destination?: string[] | undefined;
  concurrency?: string | undefined;
  pollInterval?: string | undefined;
  timeout?: string | undefined;
  requestTimeout?: string | undefined;
  envFile?: string | undefined;
}

/**
 * Everything a run needs, resolved in layers (flags, environment, env file, config file, journal,
 * defaults) and validated; the values a headless run cannot do without may still be missing.
 */
export interface Settings extends Pacing {
  tenant: string | undefined;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  sources: string[];
  dataProduct: string | undefined;
  workflow: string | undefined;
  destinations: string[];
  /** The config file the settings were read from, if any (the prompts offer to save otherwise). */
  configFile: string | undefined;
  /**
   * True when `configFile` was not given with `--config` but found in the working directory
   * (`tamr-refresh.json`); the run says so (`configFileNote`).
   */
  configFileFound?: boolean;
}

/** Settings with every required value present. */
export interface RunSettings extends Settings {
  tenant: string;
  baseUrl: string;
  apiKey: string;
  dataProduct: string;
}

/** Effects settings resolution needs, passed in so tests need no files or real environment. */
export interface ConfigIo {
  env: Record<string, string | undefined>;
  readTextFile: (path: string) => Promise<string>;
  /** True when the file exists. */
  exists: (path: string) => Promise<boolean>;
  /** The names of the files in a folder (none when it is not there); for `--resume` alone. */
  listFiles?: ((dir: string) => Promise<string[]>) | undefined;
}
