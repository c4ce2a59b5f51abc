/** The rules each setting's value must follow; every failure is a UsageError naming where it was. */
import { UsageError } from "../../kit/errors.ts";
import { durationText } from "../../kit/duration.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "../../kit/defaults.ts";
import { isLoopbackHost, isTenantName } from "../../kit/tenant.ts";

/** The defaults as `--help` shows them. */
export const DEFAULTS = {
  concurrency: DEFAULT_CONCURRENCY,
  pollInterval: durationText(DEFAULT_POLL_INTERVAL_MS),
  timeout: durationText(DEFAULT_TIMEOUT_MS),
  requestTimeout: durationText(DEFAULT_REQUEST_TIMEOUT_MS),
} as const;

// deno-lint-ignore no-control-regex
const ID_RE = /^[^\s,\u0000-\u001f\u007f]{1,256}$/;

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

/** True when `id` is an id: 1 to 256 characters, no white space, comma or control character. */
export function isId(id: string): boolean {
  return ID_RE.test(id);
}

/** Ids are sent in JSON bodies; refuse empty ones, white space, commas and control characters. */
export function checkId(id: string, where: string): void {
  if (!isId(id)) {
    throw new UsageError(
      `${where} must be a non-empty id without spaces, commas or control characters, got ${
        JSON.stringify(id)
      }`,
    );
  }
}

/**
 * The one rule for a list of ids, wherever it is written (`--source s1,s2`, a config file's
 * `"sources": ["s1,s2"]`, a prompt's answer): the text is split at commas, each part trimmed, empty
 * parts dropped, repeats dropped. The parts are not checked here (see `parseIdList`).
 */
export function splitIds(text: string): string[] {
  return [...new Set(text.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
}

/**
 * Ids from repeated values, each split by `splitIds`, every id checked: a value that names no id
 * (`""`, `","`) or an id that breaks the id rule is a UsageError naming `where`.
 */
export function parseIdList(values: readonly string[], where: string): string[] {
  const ids: string[] = [];
  for (const value of values) {
    const parts = splitIds(value);
    if (parts.length === 0) checkId(value, where);
    for (const id of parts) checkId(id, where);
    ids.push(...parts);
  }
  return [...new Set(ids)];
}
