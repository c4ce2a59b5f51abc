/**
 * The sources of a run's settings, each a layer of typed values: flags, environment, env files,
 * config file, journal, defaults. `resolve.ts` takes each value from the first layer that gives it.
 */
import { parseDuration } from "../../kit/duration.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "../../kit/defaults.ts";
import { isTenantName } from "../../kit/tenant.ts";
import { planInputOf } from "../journal/journal.ts";
import type { LoadedJournal } from "../journal/file.ts";
import { checkBaseUrl, checkId, checkTenant, parseConcurrency, parseIdList } from "./checks.ts";
import type { ConfigFile } from "./config_file.ts";
import type { EnvSource } from "./env.ts";
import type { RunFlags } from "./types.ts";

/** Every value a layer may give, typed. */
export interface Values {
  tenant: string;
  baseUrl: string;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow: string;
  destinations: string[];
  concurrency: number;
  pollIntervalMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * One source of settings: for each value it gives, how to get it, checked and typed. A value is
 * checked only when it is the one used, so a flag can override a bad variable; the error names
 * where the value came from.
 */
export type Layer = { readonly [K in keyof Values]?: (() => Values[K]) | undefined };

/** The values that make the plan; a lower layer gives them all or none. */
const PLAN_VALUES = ["sources", "dataProduct", "workflow", "destinations"] as const;
/** The values that say where the tenant is; a lower layer gives them both or none. */
const WHERE_VALUES = ["tenant", "baseUrl"] as const;

/** A getter for a value, or undefined when it is absent. */
function given<R, T>(raw: R | undefined, read: (raw: R) => T): (() => T) | undefined {
  return raw !== undefined ? () => read(raw) : undefined;
}

/** A getter for a text value, or undefined when the text is absent or empty. */
function text<T>(raw: string | undefined, read: (raw: string) => T): (() => T) | undefined {
  return raw !== undefined && raw !== "" ? () => read(raw) : undefined;
}

const tenant = (where: string) => (raw: string) => {
  checkTenant(raw, where);
  return raw;
};
const baseUrl = (where: string) => (raw: string) => checkBaseUrl(raw, where);
const id = (where: string) => (raw: string) => {
  checkId(raw, where);
  return raw;
};
/** A list of ids: each value split at commas (`s1,s2`), the same rule everywhere (`splitIds`). */
const ids = (where: string) => (raw: string[]) => parseIdList(raw, where);
const duration = (where: string) => (raw: string | number) => parseDuration(raw, where);

/** `--tenant acme` and the other flags, as typed. */
export function flagLayer(flags: RunFlags): Layer {
  // A repeatable flag not given is an empty list.
  const many = <T>(raw: string[] | undefined, read: (raw: string[]) => T) =>
    raw !== undefined && raw.length > 0 ? () => read(raw) : undefined;
  return {
    tenant: text(flags.tenant, tenant("--tenant")),
    baseUrl: text(flags.baseUrl, baseUrl("--base-url")),
    sources: many(flags.source, ids("--source")),
    dataProduct: text(flags.dataProduct, id("--data-product")),
    workflow: text(flags.workflow, id("--workflow")),
    destinations: many(flags.destination, ids("--destination")),
    concurrency: given(flags.concurrency, (raw) => parseConcurrency(raw, "--concurrency")),
    pollIntervalMs: given(flags.pollInterval, duration("--poll-interval")),
    timeoutMs: given(flags.timeout, duration("--timeout")),
    requestTimeoutMs: given(flags.requestTimeout, duration("--request-timeout")),
  };
}

/** `TAMR_TENANT`, `TAMR_BASE_URL` and `TAMR_API_KEY`, from the environment or an env file. */
export function envLayer({ file, vars }: EnvSource): Layer {
  const name = (variable: string) => file === undefined ? variable : `${variable} in ${file}`;
  const key = vars.TAMR_API_KEY?.trim();
  return {
    tenant: text(vars.TAMR_TENANT, tenant(name("TAMR_TENANT"))),
    baseUrl: text(vars.TAMR_BASE_URL, baseUrl(name("TAMR_BASE_URL"))),
    apiKey: key ? () => key : undefined,
  };
}

/** The config file's fields; messages name the flag too, as either fixes the value. */
export function configLayer(file: ConfigFile, path: string): Layer {
  const where = (flag: string, field: string) => `${flag} (or "${field}" in ${path})`;
  return {
    tenant: text(file.tenant, tenant(where("--tenant", "tenant"))),
    baseUrl: text(file.baseUrl, baseUrl(where("--base-url", "baseUrl"))),
    sources: given(file.sources, ids(where("--source", "sources"))),
    dataProduct: text(file.dataProduct, id(where("--data-product", "dataProduct"))),
    workflow: text(file.workflow, id(where("--workflow", "workflow"))),
    destinations: given(file.destinations, ids(where("--destination", "destinations"))),
    concurrency: given(
      file.concurrency,
      (raw) => parseConcurrency(raw, where("--concurrency", "concurrency")),
    ),
    pollIntervalMs: given(file.pollInterval, duration(where("--poll-interval", "pollInterval"))),
    timeoutMs: given(file.timeout, duration(where("--timeout", "timeout"))),
    requestTimeoutMs: given(
      file.requestTimeout,
      duration(where("--request-timeout", "requestTimeout")),
    ),
  };
}

/**
 * What a run journal gives `--resume`: its plan, when no layer above gives any part of a plan;
 * its base URL (and tenant, when that is a DNS label), when no layer above names a tenant or base
 * URL; and its pacing, value by value. Its numbers are used as they are, already checked.
 */
export function journalLayer(loaded: LoadedJournal, above: readonly Layer[]): Layer {
  const { path, journal } = loaded;
  const gives = (keys: readonly (keyof Values)[]) =>
    above.some((layer) => keys.some((k) => layer[k] !== undefined));
  const where = (field: string) => `"${field}" in the run journal ${path}`;
  const layer: { -readonly [K in keyof Layer]: Layer[K] } = {};
  if (!gives(PLAN_VALUES) || namesOnly(above, journal)) {
    const input = planInputOf(journal);
    layer.sources = () => ids(where("plan"))(input.sources);
    layer.dataProduct = () => id(where("plan"))(input.dataProduct);
    layer.workflow = text(input.workflow, id(where("plan")));
    layer.destinations = () => ids(where("plan"))(input.destinations);
  }
  if (!gives(WHERE_VALUES)) {
    layer.baseUrl = () => baseUrl(where("baseUrl"))(journal.baseUrl);
    // A tenant taken from a base URL's host (127.0.0.1) is no label; the base URL says it all.
    if (isTenantName(journal.tenant)) layer.tenant = () => journal.tenant;
  }
  const pacing = journal.settings;
  if (pacing) {
    layer.concurrency = () => pacing.concurrency;
    layer.pollIntervalMs = () => pacing.pollIntervalMs;
    layer.timeoutMs = () => pacing.timeoutMs;
    layer.requestTimeoutMs = () => pacing.requestTimeoutMs;
  }
  return layer;
}

/**
 * True when the layers above name the journal's data product and no other part of a plan (`run
 * --resume --base-url URL --data-product ID`, which finds the journal by them): the journal's
 * plan is still the one to resume.
 */
function namesOnly(above: readonly Layer[], journal: LoadedJournal["journal"]): boolean {
  const named = above.find((layer) => layer.dataProduct !== undefined)?.dataProduct;
  if (named === undefined) return false;
  const others = PLAN_VALUES.filter((k) => k !== "dataProduct");
  if (above.some((layer) => others.some((k) => layer[k] !== undefined))) return false;
  try {
    return named() === planInputOf(journal).dataProduct;
  } catch {
    return false; // an invalid id: said where the run reads it
  }
}

/** The defaults, from `lib/kit/defaults.ts`. */
export const defaultLayer: Layer = {
  concurrency: () => DEFAULT_CONCURRENCY,
  pollIntervalMs: () => DEFAULT_POLL_INTERVAL_MS,
  timeoutMs: () => DEFAULT_TIMEOUT_MS,
  requestTimeoutMs: () => DEFAULT_REQUEST_TIMEOUT_MS,
};
