/**
 * A run's settings, resolved once from layers of typed values: flags > environment > env file >
 * config file > journal (`--resume`) > defaults. Each value comes from the first layer that
 * gives it and is checked there.
 */
import { theUnfinishedJournal } from "../journal/unfinished.ts";
import { UsageError } from "../../kit/errors.ts";
import { tenantBaseUrl } from "../../kit/tenant.ts";
import {
  journalPath,
  type LoadedJournal,
  noJournalToResume,
  readJournal,
} from "../journal/file.ts";
import { legacyJournalPath } from "../journal/journal.ts";
import { DEFAULT_CONFIG_FILE, readConfigFile } from "./config_file.ts";
import { readEnvSources } from "./env.ts";
import {
  configLayer,
  defaultLayer,
  envLayer,
  flagLayer,
  journalLayer,
  type Layer,
  type Values,
} from "./layers.ts";
import type { ConfigIo, RunFlags, RunSettings, Settings } from "./types.ts";

/** How to resolve: whether `tamr-refresh.json` in the working directory is used without `--config`. */
export interface ResolveOptions {
  /** Use `./tamr-refresh.json` when no `--config` is given and it is there (default true). */
  findConfigFile?: boolean;
}

/**
 * Settings from flags, environment, env files, config file and defaults (no journal). Without
 * `--config`, `tamr-refresh.json` in the working directory is the config file when it is there.
 */
export async function resolveSettings(
  flags: RunFlags,
  io: ConfigIo,
  options: ResolveOptions = {},
): Promise<Settings> {
  const { layers, config } = await layersAbove(flags, io, options);
  return settingsFrom(layers, config);
}

/** The line a command prints when it uses `./tamr-refresh.json` without being told to. */
export function configFileNote(settings: Settings): string | undefined {
  if (!settings.configFileFound || settings.configFile === undefined) return undefined;
  return `Using ${settings.configFile} from the working directory (--config FILE to use another).`;
}

/** The settings of a `run`, and the journal they were resumed from, if it was read. */
export interface ResolvedRun {
  settings: Settings;
  /**
   * With `--resume`, the journal read for its settings (the run reads it again once it holds it:
   * another run may have changed it meanwhile). Undefined without `--resume`, or when its path is
   * not known yet (no tenant or data product before the prompts).
   */
  journal: LoadedJournal | undefined;
}

/**
 * The settings of `run`. With `--resume`, the run's journal is a layer too (below the config
 * file): `run --resume --state FILE` alone takes the plan, base URL and pacing from it. A journal
 * that is not there is a UsageError.
 */
export async function resolveRunSettings(
  flags: RunFlags & { state?: string | undefined; resume?: boolean | undefined },
  io: ConfigIo,
): Promise<ResolvedRun> {
  const { layers: above, config } = await layersAbove(flags, io, {});
  const settings = settingsFrom(above, config);
  if (!flags.resume) return { settings, journal: undefined };
  const { tenant, baseUrl, dataProduct } = settings;
  // `--resume` alone: the one unfinished run in the default folder (several are listed); on the
  // tenant the settings name, when they name one (TAMR_BASE_URL set in the environment).
  const path = flags.state ??
    (baseUrl !== undefined && dataProduct !== undefined
      ? journalPath({}, io.env, baseUrl, dataProduct)
      : dataProduct === undefined
      ? await theUnfinishedJournal(io, { baseUrl })
      : undefined);
  if (path === undefined) return { settings, journal: undefined };
  const journal = await readJournal(path, io);
  if (!journal) {
    const older = flags.state === undefined && tenant !== undefined && dataProduct !== undefined
      ? legacyJournalPath(io.env, tenant, dataProduct)
      : undefined;
    throw noJournalToResume(
      path,
      older !== undefined && await io.exists(older) ? older : undefined,
    );
  }
  const loaded = { path, journal };
  return {
    settings: settingsFrom([...above, journalLayer(loaded, above)], config),
    journal: loaded,
  };
}

/** Names the first missing value, and how to give it; for headless runs. */
export function requireRunSettings(
  s: Settings,
  options: { needKey: boolean } = { needKey: true },
): RunSettings {
  if (s.baseUrl === undefined || s.tenant === undefined) {
    throw new UsageError("No tenant given", {
      hint: 'Pass --tenant NAME, set TAMR_TENANT, or add "tenant" to the config file.',
    });
  }
  if (options.needKey && !s.apiKey) {
    throw new UsageError("No API key: TAMR_API_KEY is not set", {
      hint:
        "Set TAMR_API_KEY in the environment or an env file (--env-file), or run in a terminal " +
        "to be asked for it.",
    });
  }
  if (s.sources.length === 0) {
    throw new UsageError("No source given", {
      hint: 'Pass --source ID (repeatable) or add "sources" to the config file.',
    });
  }
  if (s.dataProduct === undefined) {
    throw new UsageError("No data product given", {
      hint: 'Pass --data-product ID or add "dataProduct" to the config file.',
    });
  }
  return {
    ...s,
    tenant: s.tenant,
    baseUrl: s.baseUrl,
    apiKey: s.apiKey ?? "",
    dataProduct: s.dataProduct,
  };
}

/** The config file a run reads, and whether it was found rather than given. */
interface ConfigChoice {
  path: string | undefined;
  found: boolean;
}

/**
 * The layers above the journal, the one that wins first; reads the env files and the config file
 * (`--config FILE`, or `tamr-refresh.json` in the working directory when it is there).
 */
async function layersAbove(
  flags: RunFlags,
  io: ConfigIo,
  options: ResolveOptions,
): Promise<{ layers: Layer[]; config: ConfigChoice }> {
  const env = await readEnvSources(flags.envFile, io);
  const config: ConfigChoice = flags.config !== undefined
    ? { path: flags.config, found: false }
    : options.findConfigFile !== false && await io.exists(DEFAULT_CONFIG_FILE)
    ? { path: DEFAULT_CONFIG_FILE, found: true }
    : { path: undefined, found: false };
  const file = config.path !== undefined
    ? configLayer(await readConfigFile(config.path, io), config.path)
    : undefined;
  return { layers: [flagLayer(flags), ...env.map(envLayer), ...(file ? [file] : [])], config };
}

/** Takes each value from the first layer that gives it, over the defaults. */
function settingsFrom(layers: readonly Layer[], config: ConfigChoice): Settings {
  const all = [...layers, defaultLayer];
  const value = <K extends keyof Values>(key: K): Values[K] | undefined => {
    for (const layer of all) {
      const get = layer[key];
      if (get) return get();
    }
    return undefined;
  };
  const tenant = value("tenant");
  // A base URL given anywhere wins over the one a tenant implies.
  const baseUrl = value("baseUrl") ?? (tenant !== undefined ? tenantBaseUrl(tenant) : undefined);
  return {
    tenant: tenant ?? (baseUrl !== undefined ? hostOf(baseUrl) : undefined),
    baseUrl,
    apiKey: value("apiKey"),
    sources: value("sources") ?? [],
    dataProduct: value("dataProduct"),
    workflow: value("workflow"),
    destinations: value("destinations") ?? [],
    concurrency: value("concurrency")!,
    pollIntervalMs: value("pollIntervalMs")!,
    timeoutMs: value("timeoutMs")!,
    requestTimeoutMs: value("requestTimeoutMs")!,
    configFile: config.path,
    ...(config.found ? { configFileFound: true } : {}),
  };
}

/** The name shown for a tenant known only by its base URL: the URL's host (`127.0.0.1`). */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).hostname;
}

/**
 * Where the tenant is, the way a config file says it: `tenant` when a tenant name was given,
 * `baseUrl` when it is not the tenant's default (`https://<tenant>.tamr.cloud`). A tenant that is
 * only the base URL's host (`--base-url http://127.0.0.1:8080` alone) is no tenant name and is
 * left out, so what is saved loads again as it was.
 */
export function placeOf(
  s: Pick<Settings, "tenant" | "baseUrl">,
): { tenant?: string; baseUrl?: string } {
  const { tenant, baseUrl } = s;
  if (baseUrl === undefined) return tenant !== undefined ? { tenant } : {};
  if (tenant === undefined || tenant === hostOf(baseUrl)) return { baseUrl };
  return baseUrl === tenantBaseUrl(tenant) ? { tenant } : { tenant, baseUrl };
}
