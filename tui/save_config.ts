/**
 * Offers to save the prompts' answers as a config file (`tamr-refresh.json`). The API key is never
 * written: the file is built field by field from the answers, not copied from them.
 */
import { redact } from "../lib/kit/api/redact.ts";

/** The answers a config file keeps: everything but the key. */
export interface ConfigAnswers {
  tenant: string;
  baseUrl?: string | undefined;
  sources: readonly string[];
  dataProduct: string;
  workflow?: string | undefined;
  destinations: readonly string[];
  /** Accepted so a full RunAnswers can be passed; never written. */
  apiKey?: string | undefined;
}

/** The default file name, in the working directory. */
export const DEFAULT_CONFIG_PATH = "tamr-refresh.json";

/**
 * The config file's text: `tenant`, `baseUrl` (when set), `sources`, `dataProduct`, `workflow`
 * (when set) and `destinations`, pretty-printed, with a trailing newline. Never the API key.
 */
export function configFileText(answers: ConfigAnswers): string {
  const file: Record<string, unknown> = { tenant: answers.tenant };
  if (answers.baseUrl) file["baseUrl"] = answers.baseUrl;
  file["sources"] = [...answers.sources];
  file["dataProduct"] = answers.dataProduct;
  if (answers.workflow) file["workflow"] = answers.workflow;
  file["destinations"] = [...answers.destinations];
  return JSON.stringify(file, null, 2) + "\n";
}

/** The prompts and effects `offerToSave` needs. */
export interface SaveDeps {
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  input(config: {
    message: string;
    default?: string;
    validate?: (value: string) => boolean | string | Promise<boolean | string>;
  }): Promise<string>;
  saveConfig: (path: string, text: string) => Promise<void>;
  write: (text: string) => void;
}

/**
 * Asks whether to save the answers, then where, and saves them. Returns the path written, or null
 * when the user said no. With `failIfUnsaved` a write failure is thrown (the `init` command);
 * otherwise it is reported with `write` and the run goes on.
 */
export async function offerToSave(
  answers: ConfigAnswers,
  deps: SaveDeps,
  options: { defaultPath?: string; failIfUnsaved?: boolean } = {},
): Promise<string | null> {
  const defaultPath = options.defaultPath ?? DEFAULT_CONFIG_PATH;
  const wanted = await deps.confirm({
    message: `Save these answers to ${defaultPath}?`,
    default: options.failIfUnsaved ?? false,
  });
  if (!wanted) return null;
  const path = (await deps.input({
    message: "Config file path",
    default: defaultPath,
    validate: (value) => value.trim() !== "" || "Enter a file path, for example tamr-refresh.json.",
  })).trim();
  try {
    await deps.saveConfig(path, configFileText(answers));
  } catch (error) {
    const why = redact(error instanceof Error ? error.message : String(error), [answers.apiKey]);
    if (options.failIfUnsaved) throw new Error(`Could not save the config file ${path}: ${why}`);
    deps.write(`Could not save the config file ${path}: ${why}. Continuing without it.\n`);
    return null;
  }
  deps.write(`Saved ${path} (without the API key: set TAMR_API_KEY when you run).\n`);
  return path;
}

/** Writes a config file on disk, the `saveConfig` effect for real use. */
export async function writeConfigFile(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text);
}
