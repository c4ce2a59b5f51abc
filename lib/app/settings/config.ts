/**
 * The settings' names in one import, for the commands: resolution (`resolve.ts`), the types
 * (`types.ts`), the value checks (`checks.ts`) and the config file (`config_file.ts`).
 */
export type { ConfigIo, Pacing, RunFlags, RunSettings, Settings } from "./types.ts";
export { pacingOf } from "./types.ts";
export {
  checkBaseUrl,
  checkId,
  checkTenant,
  DEFAULTS,
  parseConcurrency,
  parseOutput,
} from "./checks.ts";
export { CONFIG_FIELDS, type ConfigFile, readConfigFile } from "./config_file.ts";
export {
  requireRunSettings,
  type ResolvedRun,
  resolveRunSettings,
  resolveSettings,
} from "./resolve.ts";
