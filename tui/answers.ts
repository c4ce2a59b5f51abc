/** What the prompts gather: the answers, their checks, and the plan they make, as the review shows it. */
import { isTenantName, tenantBaseUrl } from "../lib/kit/tenant.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { UsageError } from "../lib/kit/errors.ts";
import {
  checkBaseUrl,
  hostOf,
  placeOf,
  type RunSettings,
  type Settings,
} from "../lib/app/settings/config.ts";

/**
 * Where the tenant is, as a config file says it: a tenant name, a base URL, or both (a tenant with
 * a base URL of its own). At least one of the two is there.
 */
export interface Place {
  /** A tenant name (a DNS label); absent when the base URL alone says where the tenant is. */
  tenant?: string;
  /** The base URL, when it is not the tenant's default `https://<tenant>.tamr.cloud`. */
  baseUrl?: string;
}

export interface RunAnswers extends Place {
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow?: string;
  destinations: string[];
}

/** What listing a tenant's recent jobs needs. */
export interface Connection {
  /** The tenant's name when there is one, for messages. */
  tenant?: string;
  /** Where its API is: the base URL given, or `https://<tenant>.tamr.cloud`. */
  baseUrl: string;
  apiKey: string;
}

/** The base URL of a place: its own, or its tenant's default. */
export function baseUrlOf(p: Place): string {
  if (p.baseUrl !== undefined) return p.baseUrl;
  if (p.tenant !== undefined) return tenantBaseUrl(p.tenant);
  throw new Error("A place has a tenant or a base URL");
}

/** The name shown for a place: its tenant, or its base URL's host (`127.0.0.1`). */
export function labelOf(p: Place): string {
  return p.tenant ?? hostOf(baseUrlOf(p));
}

/** True when `p` names a tenant or a base URL. */
export function hasPlace(p: Partial<Place>): p is Place {
  return p.tenant !== undefined || p.baseUrl !== undefined;
}

/** The tenant validator: true, or a sentence naming the rule and the value. */
export function validateTenant(value: string): true | string {
  const v = value.trim();
  if (isTenantName(v)) return true;
  return `A tenant is a DNS label: 1 to 63 lowercase letters, digits or hyphens, not starting or ` +
    `ending with a hyphen (got ${JSON.stringify(v)}).`;
}

/**
 * Reads the answer to the tenant question: a tenant name (`acme`) or a base URL
 * (`http://127.0.0.1:8080`); `https://acme.tamr.cloud` is the tenant `acme`. Throws a UsageError
 * saying what is wrong.
 */
export function parsePlace(value: string): Place {
  const v = value.trim();
  if (!v.includes("://")) {
    const problem = validateTenant(v);
    if (problem !== true) throw new UsageError(`${problem} Or enter the tenant's base URL.`);
    return { tenant: v };
  }
  const baseUrl = checkBaseUrl(v, "The base URL");
  const host = hostOf(baseUrl).replace(/\.tamr\.cloud$/, "");
  return isTenantName(host) && tenantBaseUrl(host) === baseUrl ? { tenant: host } : { baseUrl };
}

/** The validator of the tenant question: a tenant name or a base URL. */
export function validatePlace(value: string): true | string {
  try {
    parsePlace(value);
    return true;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

/** The review text: tenant, base URL and each step id in order, the numbers aligned. */
export function planText(a: RunAnswers): string {
  const plan = buildPlan(a);
  const loads = plan.steps.filter((s) => s.kind === "load").length;
  const width = String(plan.steps.length).length;
  const lines = [
    "",
    "Plan",
    `  tenant    ${labelOf(a)}`,
    `  base URL  ${baseUrlOf(a)}`,
    "  steps, in order:",
    ...plan.steps.map((s, i) => {
      const after = s.kind === "load"
        ? ""
        : s.kind === "update"
        ? `  (after ${
          loads === 1 ? "the load" : loads === 2 ? "both loads" : `all ${loads} loads`
        })`
        : `  (after update:${plan.dataProduct})`;
      return `    ${String(i + 1).padStart(width)}. ${s.id}${after}`;
    }),
    "",
  ];
  return lines.join("\n");
}

export function answersOf(a: {
  place: Place;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow: string | undefined;
  destinations: string[];
}): RunAnswers {
  return {
    ...(a.place.tenant !== undefined ? { tenant: a.place.tenant } : {}),
    ...(a.place.baseUrl !== undefined ? { baseUrl: a.place.baseUrl } : {}),
    apiKey: a.apiKey,
    sources: a.sources,
    dataProduct: a.dataProduct,
    ...(a.workflow ? { workflow: a.workflow } : {}),
    destinations: a.destinations,
  };
}

/**
 * What the settings already say, as the prompts' answers: where the tenant is as a config file
 * says it (a tenant only when one was given, never the base URL's host), the key, the plan.
 */
export function defaultsFrom(s: Settings): Partial<RunAnswers> {
  const d: Partial<RunAnswers> = { ...placeOf(s) };
  if (s.apiKey) d.apiKey = s.apiKey;
  if (s.sources.length > 0) d.sources = s.sources;
  if (s.dataProduct !== undefined) d.dataProduct = s.dataProduct;
  // Once the plan's required values are known, the optional ones are known too: none unless given.
  const planKnown = s.sources.length > 0 && s.dataProduct !== undefined;
  if (s.workflow !== undefined || planKnown) d.workflow = s.workflow ?? "";
  if (s.destinations.length > 0 || planKnown) d.destinations = s.destinations;
  return d;
}

/** The run's settings once the prompts answered: the answers over the settings. */
export function answeredSettings(settings: Settings, answers: RunAnswers): RunSettings {
  return {
    ...settings,
    tenant: labelOf(answers),
    baseUrl: baseUrlOf(answers),
    apiKey: answers.apiKey,
    sources: answers.sources,
    dataProduct: answers.dataProduct,
    workflow: answers.workflow || undefined,
    destinations: answers.destinations,
  };
}
