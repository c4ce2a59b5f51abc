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
  isId,
  parseConcurrency,
  parseIdList,
  parseOutput,
  splitIds,
} from "./checks.ts";
export {
  CONFIG_FIELDS,
  type ConfigFile,
  DEFAULT_CONFIG_FILE,
  readConfigFile,
} from "./config_file.ts";
export {
  configFileNote,
  hostOf,
  placeOf,
  requireRunSettings,
  type ResolvedRun,
  type ResolveOptions,
  resolveRunSettings,
  resolveSettings,
} from "./resolve.ts";
