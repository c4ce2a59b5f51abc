import { z } from "zod";
import dotenv from "dotenv";
import { UsageError } from "../../kit/errors.ts";
import { durationText, parseDuration } from "../../kit/duration.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "../../kit/defaults.ts";
import { isLoopbackHost, isTenantName, tenantBaseUrl } from "../../kit/tenant.ts";

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

/** Everything a run needs, merged from flags, environment, env file, config file and defaults. */
export interface Settings {
  tenant: string | undefined;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  sources: string[];
  dataProduct: string | undefined;
  workflow: string | undefined;
  destinations: string[];
  concurrency: number;
  pollIntervalMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  /** Where each value came from, for messages. */
  configFile: string | undefined;
}

/** Settings with every required value present. */
export interface RunSettings extends Settings {
  tenant: string;
  baseUrl: string;
  apiKey: string;
  dataProduct: string;
}

/** The defaults as `--help` shows them. */
export const DEFAULTS = {
  concurrency: DEFAULT_CONCURRENCY,
  pollInterval: durationText(DEFAULT_POLL_INTERVAL_MS),
  timeout: durationText(DEFAULT_TIMEOUT_MS),
  requestTimeout: durationText(DEFAULT_REQUEST_TIMEOUT_MS),
} as const;

// deno-lint-ignore no-control-regex
const ID_RE = /^[^\s\u0000-\u001f\u007f]{1,256}$/;

/** Effects config resolution needs, passed in so tests need no files or real environment. */
export interface ConfigIo {
  env: Record<string, string | undefined>;
  readTextFile: (path: string) => Promise<string>;
  /** True when the file exists. */
  exists: (path: string) => Promise<boolean>;
}

const durationField = z.union([z.string(), z.number()]);
const configSchema = z.strictObject({
  $schema: z.string().optional(),
  tenant: z.string().optional(),
  baseUrl: z.string().optional(),
  sources: z.array(z.string()).optional(),
  dataProduct: z.string().optional(),
  workflow: z.string().optional(),
  destinations: z.array(z.string()).optional(),
  concurrency: z.number().optional(),
  pollInterval: durationField.optional(),
  timeout: durationField.optional(),
  requestTimeout: durationField.optional(),
});
export type ConfigFile = z.infer<typeof configSchema>;

/** The fields a config file may have, for messages and `config.example.json`. */
export const CONFIG_FIELDS = Object.keys(configSchema.shape).filter((k) => k !== "$schema");

/** Reads and validates a config file; every problem is a UsageError naming the field. */
export async function readConfigFile(path: string, io: ConfigIo): Promise<ConfigFile> {
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read config file ${path}: ${(e as Error).message}`, {
      hint: "Check the path given to --config, or run `tamr-refresh init` to write one.",
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`Config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (data && typeof data === "object" && !Array.isArray(data) && "apiKey" in data) {
    throw new UsageError(
      `Config file ${path} has an "apiKey" field; the API key is never read from a file`,
      { hint: "Remove it and set TAMR_API_KEY in the environment or an env file instead." },
    );
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(top level)";
    if (issue.code === "unrecognized_keys") {
      throw new UsageError(
        `Config file ${path} has an unknown field "${issue.keys.join('", "')}"`,
        { hint: `The fields are: ${CONFIG_FIELDS.join(", ")}.` },
      );
    }
    if (issue.code === "invalid_type") {
      const got = valueAt(data, issue.path);
      throw new UsageError(
        `Config file ${path}: "${field}" must be ${article(issue.expected)}, got ${
          JSON.stringify(got)
        }`,
      );
    }
    throw new UsageError(`Config file ${path}: "${field}" ${issue.message}`);
  }
  return parsed.data;
}

function article(expected: string): string {
  return expected === "array" ? "an array" : `a ${expected}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[k];
  return v;
}

/**
 * Reads `--env-file FILE` (which must exist) and `.env` (when present). Variables already set in
 * the environment win over both; the env file given by flag wins over `.env`.
 */
export async function loadEnv(
  envFile: string | undefined,
  io: ConfigIo,
): Promise<Record<string, string | undefined>> {
  const layers: Record<string, string>[] = [];
  if (await io.exists(".env")) layers.push(dotenv.parse(await io.readTextFile(".env")));
  if (envFile !== undefined) {
    let text: string;
    try {
      text = await io.readTextFile(envFile);
    } catch (e) {
      throw new UsageError(`Cannot read env file ${envFile}: ${(e as Error).message}`, {
        hint: "Check the path given to --env-file.",
      });
    }
    layers.push(dotenv.parse(text));
  }
  const merged: Record<string, string | undefined> = {};
  for (const layer of layers) Object.assign(merged, layer);
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) merged[k] = v;
  return merged;
}

/** Merges flags over environment over config file over defaults, and validates every value. */
export async function resolveSettings(flags: RunFlags, io: ConfigIo): Promise<Settings> {
  const env = await loadEnv(flags.envFile, io);
  const file: ConfigFile = flags.config ? await readConfigFile(flags.config, io) : {};
  const where = (flag: string, field: string) =>
    flags.config ? `${flag} (or "${field}" in ${flags.config})` : flag;

  const tenant = pick(flags.tenant, env.TAMR_TENANT, file.tenant);
  if (tenant !== undefined) checkTenant(tenant, where("--tenant", "tenant"));
  const baseUrlRaw = pick(flags.baseUrl, env.TAMR_BASE_URL, file.baseUrl);
  const baseUrl = baseUrlRaw !== undefined
    ? checkBaseUrl(baseUrlRaw, where("--base-url", "baseUrl"))
    : tenant !== undefined
    ? tenantBaseUrl(tenant)
    : undefined;

  const sources = nonEmpty(flags.source) ?? file.sources ?? [];
  sources.forEach((s) => checkId(s, where("--source", "sources")));
  const dataProduct = pick(flags.dataProduct, undefined, file.dataProduct);
  if (dataProduct !== undefined) checkId(dataProduct, where("--data-product", "dataProduct"));
  const workflow = pick(flags.workflow, undefined, file.workflow);
  if (workflow !== undefined) checkId(workflow, where("--workflow", "workflow"));
  const destinations = nonEmpty(flags.destination) ?? file.destinations ?? [];
  destinations.forEach((d) => checkId(d, where("--destination", "destinations")));

  const concurrency = parseConcurrency(
    flags.concurrency ?? file.concurrency,
    where("--concurrency", "concurrency"),
  );
  const dur = (flag: string | undefined, f: string | number | undefined, d: string, name: string) =>
    parseDuration(flag ?? f ?? d, where(`--${name}`, camel(name)));

  const apiKey = env.TAMR_API_KEY?.trim() || undefined;
  return {
    tenant: tenant ?? (baseUrl ? new URL(baseUrl).hostname : undefined),
    baseUrl,
    apiKey,
    sources,
    dataProduct,
    workflow,
    destinations,
    concurrency,
    pollIntervalMs: dur(
      flags.pollInterval,
      file.pollInterval,
      DEFAULTS.pollInterval,
      "poll-interval",
    ),
    timeoutMs: dur(flags.timeout, file.timeout, DEFAULTS.timeout, "timeout"),
    requestTimeoutMs: dur(
      flags.requestTimeout,
      file.requestTimeout,
      DEFAULTS.requestTimeout,
      "request-timeout",
    ),
    configFile: flags.config,
  };
}

/** Source jobs at once: a decimal whole number from 1 to 50, the default when not given. */
export function parseConcurrency(
  raw: string | number | undefined,
  where = "--concurrency",
): number {
  if (raw === undefined) return DEFAULTS.concurrency;
  const n = /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw new UsageError(
      `${where} must be a whole number from 1 to 50, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** `--output`: text (the default) or json. */
export function parseOutput(raw: string | undefined): "text" | "json" {
  if (raw === undefined || raw === "text" || raw === "json") return raw ?? "text";
  throw new UsageError(`--output must be text or json, got ${JSON.stringify(raw)}`);
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

function pick<T>(...values: (T | undefined)[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== "") return v;
  return undefined;
}

function nonEmpty<T>(xs: T[] | undefined): T[] | undefined {
  return xs && xs.length > 0 ? xs : undefined;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** A tenant is a DNS label: lower-case letters, digits and hyphens, 1–63 characters. */
export function checkTenant(tenant: string, where = "--tenant"): void {
  if (!isTenantName(tenant)) {
    throw new UsageError(
      `${where} must be a DNS label (a-z, 0-9 and "-", 1-63 characters, no leading or trailing "-"), got ${
        JSON.stringify(tenant)
      }`,
      { hint: "Use the first part of your Tamr address: acme for https://acme.tamr.cloud." },
    );
  }
}

/** Checks a base URL: https, or http only for loopback hosts; no credentials, query or fragment. */
export function checkBaseUrl(raw: string, where = "--base-url"): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `${where} must be a URL such as https://acme.tamr.cloud, got ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `${where} may use http:// only for loopback hosts (localhost, 127.0.0.1, ::1), got ${
        JSON.stringify(raw)
      }`,
      { hint: "Use https:// for a real tenant." },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${where} must start with https://, got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(
      `${where} must not carry credentials, a query or a fragment, got ${
        JSON.stringify(url.origin + url.pathname)
      }`,
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** Ids are sent in JSON bodies; refuse empty ones and control characters. */
export function checkId(id: string, where: string): void {
  if (!ID_RE.test(id)) {
    throw new UsageError(
      `${where} must be a non-empty id without spaces or control characters, got ${
        JSON.stringify(id)
      }`,
    );
  }
}
