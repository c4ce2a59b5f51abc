/** The job client's options checked once, with every default filled in. */
import { type Clock, realClock } from "../clock.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../defaults.ts";
import { UsageError } from "../errors.ts";
import type { ClientOptions } from "./client_options.ts";
import { freshConnectionFetch } from "./fresh_fetch.ts";
import { redact } from "./redact.ts";
import { resolveRetryPolicy, type RetryPolicy } from "./retry.ts";
import type { ExchangeInfo, RetryInfo } from "./types.ts";

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** What every request of one client reads. */
export interface ResolvedOptions {
  base: string;
  apiKey: string;
  fetch: typeof fetch;
  createFetch: typeof fetch;
  requestTimeoutMs: number;
  clock: Clock;
  random: () => number;
  policy: RetryPolicy;
  maxResponseBytes: number;
  onRetry: ((info: RetryInfo) => void) | undefined;
  onExchange: ((info: ExchangeInfo) => void) | undefined;
}

/** Checks the options (a `UsageError` naming what is wrong, never the key) and fills in defaults. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const apiKey = checkApiKey(options.apiKey);
  checkBaseUrl(options.baseUrl, apiKey);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new UsageError(
      `Cannot create the job client: 'requestTimeoutMs' must be a positive number of milliseconds, got ${requestTimeoutMs}`,
    );
  }
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) {
    throw new UsageError(
      `Cannot create the job client: 'maxResponseBytes' must be a positive whole number, got ${maxResponseBytes}`,
    );
  }
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    base: options.baseUrl.replace(/\/+$/, ""),
    apiKey,
    fetch: fetchFn,
    createFetch: options.createFetch ?? options.fetch ?? freshConnectionFetch,
    requestTimeoutMs,
    clock: options.clock ?? realClock,
    random: options.random ?? Math.random,
    policy: resolveRetryPolicy(options.retry),
    maxResponseBytes,
    onRetry: options.onRetry,
    onExchange: options.onExchange,
  };
}

function checkApiKey(apiKey: string): string {
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new UsageError("Cannot create the job client: the API key is empty", {
      hint: "Set TAMR_API_KEY or run `tamr-refresh init`.",
    });
  }
  // A header value with a line break or a non-ASCII character makes fetch throw an error that
  // quotes the value; refuse it here with a message that does not.
  if (!/^[\x20-\x7e]+$/.test(apiKey)) {
    throw new UsageError(
      "Cannot create the job client: the API key has a character that cannot go in an HTTP header " +
        "(a line break, a control character or a non-ASCII character)",
      { hint: "Copy the key again from Admin > API Keys in Tamr Cloud." },
    );
  }
  return apiKey;
}

function checkBaseUrl(baseUrl: string, apiKey: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new UsageError(
      `Cannot create the job client: 'baseUrl' is not a URL, got ${
        JSON.stringify(redact(String(baseUrl), [apiKey]))
      }`,
      { cause: new Error(redact(String(error), [apiKey])) },
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(
      `Cannot create the job client: 'baseUrl' must be an http or https URL, got ${
        JSON.stringify(redact(baseUrl, [apiKey]))
      }`,
    );
  }
}
