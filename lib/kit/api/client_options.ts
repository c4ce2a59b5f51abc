/** How to reach one tenant with the job client, and how hard to try. */
import type { Clock } from "../clock.ts";
import type { RetryPolicy } from "./retry.ts";
import type { ExchangeInfo, RetryInfo } from "./types.ts";

/**
 * How to reach one tenant, and how hard to try.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from "@tamr-refresh/kit";
 *
 * function optionsFor(tenant: string, apiKey: string): ClientOptions {
 *   return {
 *     baseUrl: `https://${tenant}.tamr.cloud`,
 *     apiKey,
 *     requestTimeoutMs: 10_000,
 *     retry: { maxAttempts: 4 },
 *     onRetry: (r) => Deno.stderr.writeSync(new TextEncoder().encode(`retry: ${r.reason}\n`)),
 *   };
 * }
 * ```
 */
export interface ClientOptions {
  /** `https://acme.tamr.cloud` or `http://127.0.0.1:1234`; paths are `/api/v1beta1/jobs...`. */
  baseUrl: string;
  /** Sent as `X-API-KEY`; never appears in any error, event or callback. */
  apiKey: string;
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * The fetch used for creates. HTTP stacks (Deno's among them) silently re-send a request whose
   * pooled keep-alive connection closed before any answer, which for a create could make a second
   * job; so by default, when `fetch` is not given, creates go over a fresh connection each time.
   */
  createFetch?: typeof fetch;
  /** Per attempt, body included; default 30 000. */
  requestTimeoutMs?: number;
  /** Every backoff wait goes through `clock.sleep`; elapsed time is `clock.now()`. */
  clock?: Clock;
  /** For jitter; default `Math.random`. */
  random?: () => number;
  /** How hard to retry transient failures; every field has a default. */
  retry?: Partial<RetryPolicy>;
  /** A larger body is an error, not a crash; default 5 MiB. */
  maxResponseBytes?: number;
  /** Called just before each retry of any request (before the request's own `onRetry`). */
  onRetry?: (info: RetryInfo) => void;
  /** Called once per HTTP attempt. */
  onExchange?: (info: ExchangeInfo) => void;
}
