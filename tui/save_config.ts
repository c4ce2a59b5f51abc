/**
 * Saving the prompts' answers as a config file (`tamr-refresh.json`) that `run --config` loads
 * again as it was. The API key is never written: the file is built field by field from the
 * answers, not copied from them.
 */
import { redact } from "../lib/kit/api/redact.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { DEFAULT_CONFIG_FILE } from "../lib/app/settings/config.ts";
import { shellQuote } from "../lib/app/shell.ts";
import type { Place } from "./answers.ts";

/** The answers a config file keeps: everything but the key. */
export interface ConfigAnswers extends Place {
  sources: readonly string[];
  dataProduct: string;
  workflow?: string | undefined;
  destinations: readonly string[];
  /** Accepted so a full RunAnswers can be passed; never written. */
  apiKey?: string | undefined;
}

/** The default file name, in the working directory; a run there uses it without `--config`. */
export const DEFAULT_CONFIG_PATH = DEFAULT_CONFIG_FILE;

/** The fields the prompts write; any other field of a file being rewritten is kept as it was. */
const ANSWER_FIELDS = ["tenant", "baseUrl", "sources", "dataProduct", "workflow", "destinations"];

/**
 * The config file's text: `tenant` (when the answers name a tenant), `baseUrl` (when it is not the
 * tenant's default), `sources`, `dataProduct`, `workflow` (when set) and `destinations`,
 * pretty-printed, with a trailing newline; then the fields of `keep` the prompts do not ask for
 * (`concurrency`, `timeout`, ... of a file being rewritten). Never the API key.
 */
export function configFileText(
  answers: ConfigAnswers,
  keep: Readonly<Record<string, unknown>> = {},
): string {
  const file: Record<string, unknown> = {};
  if (keep["$schema"] !== undefined) file["$schema"] = keep["$schema"];
  if (answers.tenant) file["tenant"] = answers.tenant;
  if (answers.baseUrl) file["baseUrl"] = answers.baseUrl;
  file["sources"] = [...answers.sources];
  file["dataProduct"] = answers.dataProduct;
  if (answers.workflow) file["workflow"] = answers.workflow;
  file["destinations"] = [...answers.destinations];
  for (const [field, value] of Object.entries(keep)) {
    if (field !== "$schema" && field !== "apiKey" && !ANSWER_FIELDS.includes(field)) {
      file[field] = value;
    }
  }
  return JSON.stringify(file, null, 2) + "\n";
}

/** How the saved file is used, for the message that says so. */
export interface SaveUsage {
  /** How the user runs this program (`tamr-refresh`, or `deno run -A …/main.ts` from a checkout). */
  command: string;
  /** True when TAMR_API_KEY is already set (environment or env file): the command needs nothing else. */
  keySet: boolean;
}

/** The lines said once a file is saved: where, without the key, and the command that uses it. */
export function savedMessage(path: string, usage: SaveUsage): string {
  const inHere = path.replace(/^\.\//, "") === DEFAULT_CONFIG_FILE;
  return [
    `Saved ${path} (without the API key).`,
    `Run it with: ${usage.command} run --config ${shellQuote(path)}` +
    (inHere ? ` (in this directory, \`${usage.command}\` alone uses it too)` : ""),
    ...(usage.keySet ? [] : ["Set TAMR_API_KEY first (in the environment or a .env file)."]),
  ].join("\n") + "\n";
}

/** The prompts and effects saving needs. */
export interface SaveDeps {
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  input(config: {
    message: string;
    default?: string;
    validate?: (value: string) => boolean | string | Promise<boolean | string>;
  }): Promise<string>;
  saveConfig: (path: string, text: string) => Promise<void>;
  /** True when a file is there; a file that is there is overwritten only when the user says so. */
  exists: (path: string) => Promise<boolean>;
  write: (text: string) => void;
  usage: SaveUsage;
}

/**
 * After a run's review: asks whether to save the answers, then where (asking before overwriting a
 * file), and saves them. Returns the path written, or null when the user said no. A write failure
 * is reported with `write` and the run goes on.
 */
export async function offerToSave(
  answers: ConfigAnswers,
  deps: SaveDeps,
  options: { defaultPath?: string } = {},
): Promise<string | null> {
  const defaultPath = options.defaultPath ?? DEFAULT_CONFIG_PATH;
  const wanted = await deps.confirm({
    message: `Save these answers to ${defaultPath}?`,
    default: false,
  });
  if (!wanted) return null;
  const path = (await deps.input({
    message: "Config file path",
    default: defaultPath,
    validate: (value) => value.trim() !== "" || "Enter a file path, for example tamr-refresh.json.",
  })).trim();
  if (await deps.exists(path)) {
    const overwrite = await deps.confirm({
      message: `${path} exists. Overwrite it?`,
      default: false,
    });
    if (!overwrite) {
      deps.write(`Left ${path} as it was; the answers were not saved.\n`);
      return null;
    }
  }
  try {
    await deps.saveConfig(path, configFileText(answers));
  } catch (error) {
    const why = redact(error instanceof Error ? error.message : String(error), [answers.apiKey]);
    deps.write(`Could not save the config file ${path}: ${why}. Continuing without it.\n`);
    return null;
  }
  deps.write(savedMessage(path, deps.usage));
  return path;
}

/**
 * `init`'s save, once the review was confirmed (the one confirmation, which named the file and
 * whether it is overwritten): writes the file, keeping the fields of `keep` the prompts do not
 * ask for. A write failure is thrown.
 */
export async function saveInit(
  answers: ConfigAnswers,
  deps: Pick<SaveDeps, "saveConfig" | "write" | "usage">,
  path: string,
  keep: Readonly<Record<string, unknown>>,
): Promise<void> {
  try {
    await deps.saveConfig(path, configFileText(answers, keep));
  } catch (error) {
    const why = redact(error instanceof Error ? error.message : String(error), [answers.apiKey]);
    throw new UsageError(`Could not save the config file ${path}: ${why}`, {
      hint: "Pass --config with a path that can be written.",
    });
  }
  deps.write(savedMessage(path, deps.usage));
}

/** Writes a config file on disk, the `saveConfig` effect for real use. */
export async function writeConfigFile(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text);
}
