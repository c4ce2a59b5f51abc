/**
 * The job client: Tamr's Jobs API over `fetch`, with retries of transient failures, creates that
 * are never sent twice when the first may have reached the server, and the API key kept out of
 * every error, event and callback.
 */
import { type Clock, realClock } from "../clock.ts";
import { ApiError, UsageError } from "../errors.ts";
import {
  clip,
  describeBody,
  describeNetworkError,
  errorMessageOf,
  formatMs,
  neverReachedServer,
  safeCause,
} from "./_client_text.ts";
import { parseCreatedJob, type Parsed, parseJob, parsePage } from "./_client_parse.ts";
import { redact } from "./redact.ts";
import { freshConnectionFetch } from "./fresh_fetch.ts";
import {
  decidePollRetry,
  decideRetry,
  isTransientStatus,
  parseRetryAfter,
  type PollRetry,
  resolveRetryPolicy,
  type RetryPolicy,
} from "./retry.ts";
import type { ExchangeInfo, Job, JobClient, RequestOptions, RetryInfo } from "./types.ts";

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

export const API_PREFIX = "/api/v1beta1";
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const MAX_PAGE_SIZE = 30;

export { describeBody, neverReachedServer };

/**
 * Creates a client for one tenant. Checks its options at once; sends nothing until asked.
 *
 * @example
 * ```ts
 * import { createJobClient } from "@tamr-refresh/kit";
 *
 * export async function latestJobs(apiKey: string): Promise<string[]> {
 *   const client = createJobClient({ baseUrl: "https://acme.tamr.cloud", apiKey });
 *   const ids: string[] = [];
 *   for await (const job of client.listJobs()) {
 *     ids.push(`${job.jobId} ${job.status.state}`);
 *     if (ids.length === 5) break;
 *   }
 *   return ids;
 * }
 * ```
 */
export function createJobClient(options: ClientOptions): JobClient {
  const cfg = resolveOptions(options);
  return {
    async createJob(configuration, opts) {
      const path = `${API_PREFIX}/jobs`;
      return await request(cfg, {
        method: "POST",
        path,
        body: { configuration },
        isCreate: true,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        retryTooManyRequests: opts?.retryTooManyRequests,
        parse: (json) => parseCreatedJob(json, configuration),
      });
    },

    async getJob(jobId, opts) {
      const path = `${API_PREFIX}/jobs/${jobSegment(jobId, "get")}`;
      return await request(cfg, {
        method: "GET",
        path,
        isCreate: false,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        poll: opts?.poll,
        parse: (json) => parseJob(json, "the answer"),
      });
    },

    async stopJob(jobId, opts) {
      const path = `${API_PREFIX}/jobs/${jobSegment(jobId, "stop")}:stop`;
      await request(cfg, {
        method: "POST",
        path,
        body: {},
        isCreate: false,
        allowEmpty: true,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        parse: () => ({ ok: true, value: undefined }),
      });
    },

    listJobs(opts) {
      return listJobs(cfg, opts ?? {});
    },
  };
}

interface ResolvedOptions {
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

function resolveOptions(options: ClientOptions): ResolvedOptions {
  const apiKey = options.apiKey;
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
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (error) {
    throw new UsageError(
      `Cannot create the job client: 'baseUrl' is not a URL, got ${
        JSON.stringify(redact(String(options.baseUrl), [apiKey]))
      }`,
      { cause: new Error(redact(String(error), [apiKey])) },
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(
      `Cannot create the job client: 'baseUrl' must be an http or https URL, got ${
        JSON.stringify(redact(options.baseUrl, [apiKey]))
      }`,
    );
  }
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

/** A job id as one path segment. "." and ".." would be read as dot segments even encoded. */
function jobSegment(jobId: string, verb: string): string {
  if (typeof jobId !== "string" || jobId === "" || jobId === "." || jobId === "..") {
    throw new UsageError(
      `Cannot ${verb} job: 'jobId' must be a non-empty job id, got ${JSON.stringify(jobId)}`,
    );
  }
  return encodeURIComponent(jobId);
}

async function* listJobs(
  cfg: ResolvedOptions,
  opts: RequestOptions & { pageSize?: number; filter?: string },
): AsyncGenerator<Job, void, undefined> {
  const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new UsageError(
      `Cannot list jobs: 'pageSize' must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`,
    );
  }
  let pageToken: string | undefined;
  const seen = new Set<string>();
  while (true) {
    const query = new URLSearchParams({ pageSize: String(Math.min(pageSize, MAX_PAGE_SIZE)) });
    if (pageToken) query.set("pageToken", pageToken);
    if (opts.filter !== undefined && opts.filter !== "") query.set("filter", opts.filter);
    const path = `${API_PREFIX}/jobs?${query}`;
    const page = await request(cfg, {
      method: "GET",
      path,
      isCreate: false,
      signal: opts.signal,
      onRetry: opts.onRetry,
      parse: parsePage,
    });
    for (const job of page.jobs) yield job;
    if (!page.nextPageToken) return;
    if (seen.has(page.nextPageToken)) {
      throw new ApiError({
        status: 200,
        method: "GET",
        path,
        detail: "the server gave a page token it had given before, so the list would never end",
      });
    }
    seen.add(page.nextPageToken);
    pageToken = page.nextPageToken;
  }
}

// ---------------------------------------------------------------------------------------------
// One call, with its retries

interface Call<T> {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  isCreate: boolean;
  /** A 2xx with an empty body is fine (stop answers `{}` or nothing). */
  allowEmpty?: boolean;
  signal: AbortSignal | undefined;
  /** The caller's own report of this request's retries, after the client-wide one. */
  onRetry: ((info: RetryInfo) => void) | undefined;
  /** A GET made while waiting for a job: retried by this instead of the client's policy. */
  poll?: PollRetry | undefined;
  /** `false`: a 429 is thrown at once, for a caller that waits for a slot itself. */
  retryTooManyRequests?: boolean | undefined;
  parse: (json: unknown) => Parsed<T>;
}

/** How one attempt went, with everything the retry loop needs to decide. */
type Verdict<T> =
  | { ok: true; value: T; status: number }
  | {
    ok: false;
    status: number | null;
    /** Worth another attempt (subject to the create rule and the budget). */
    transient: boolean;
    /** The request certainly never reached the server (connection refused, DNS failure). */
    notSent: boolean;
    /** For a create: the job may exist after this. */
    mayHaveCreated: boolean;
    /** No usable HTTP answer (network error, timeout, a 2xx that is not JSON, too big or malformed). */
    unusable: boolean;
    tamrMessage?: string | undefined;
    /** A short, sanitized description; never the key, never a whole page. */
    detail: string;
    retryAfterMs?: number | undefined;
    cause?: unknown;
  };

async function request<T>(cfg: ResolvedOptions, call: Call<T>): Promise<T> {
  const { clock, policy } = cfg;
  const signal = call.signal;
  const url = cfg.base + call.path;
  const bodyText = call.body === undefined ? undefined : JSON.stringify(call.body);
  const startedAt = clock.now();
  const poll = call.poll ? pollWindow(call.poll, startedAt) : undefined;
  for (let attempt = 1;; attempt++) {
    if (signal?.aborted) throw signal.reason;
    const t0 = clock.now();
    const verdict = await attemptOnce(cfg, call, url, bodyText);
    const exchange: ExchangeInfo = {
      method: call.method,
      path: call.path,
      status: verdict.status,
      durationMs: Math.max(0, clock.now() - t0),
      attempt,
    };
    if (!verdict.ok && verdict.unusable) exchange.error = verdict.detail;
    cfg.onExchange?.(exchange);
    if (verdict.ok) return verdict.value;

    const fail = (ambiguous: boolean, extra?: string) =>
      new ApiError({
        status: verdict.status,
        method: call.method,
        path: call.path,
        tamrMessage: verdict.tamrMessage,
        attempts: attempt,
        ambiguous,
        detail: extra ? `${verdict.detail}; ${extra}` : verdict.detail,
        retryAfterMs: verdict.retryAfterMs,
        cause: verdict.cause,
      });

    const retriable = poll ? pollRidesOut(verdict, poll, clock.now()) : verdict.transient;
    if (!retriable) throw fail(call.isCreate && verdict.mayHaveCreated);
    if (verdict.status === 429 && call.retryTooManyRequests === false) throw fail(false);
    if (call.isCreate && !(verdict.status === 429 || verdict.notSent)) {
      throw fail(true, "the job may have been created, so the request was not sent again");
    }
    const decision = poll
      ? decidePollRetry({
        attempt,
        now: clock.now(),
        untilMs: poll.untilMs,
        retryAfterMs: verdict.retryAfterMs,
        policy,
        random: cfg.random,
      })
      : decideRetry({
        attempt,
        startedAt,
        now: clock.now(),
        retryAfterMs: verdict.retryAfterMs,
        policy,
        random: cfg.random,
      });
    if (!decision.retry) throw fail(false, `gave up: ${decision.why}`);
    const retry: RetryInfo = {
      method: call.method,
      path: call.path,
      status: verdict.status,
      attempt,
      delayMs: Math.round(decision.delayMs),
      reason: verdict.unusable || verdict.status === null
        ? verdict.detail
        : `answered ${verdict.status}: ${verdict.detail}`,
    };
    cfg.onRetry?.({ ...retry });
    call.onRetry?.({ ...retry });
    try {
      await clock.sleep(decision.delayMs, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }
}

/** A poll's retry window in the client's time. */
interface PollWindow {
  untilMs: number;
  notFoundUntilMs: number;
}

function pollWindow(poll: PollRetry, startedAt: number): PollWindow {
  const forMs = Number.isFinite(poll.forMs) ? Math.max(0, poll.forMs) : Number.MAX_SAFE_INTEGER;
  const notFoundForMs = Math.min(forMs, Math.max(0, poll.notFoundForMs ?? 0));
  return { untilMs: startedAt + forMs, notFoundUntilMs: startedAt + notFoundForMs };
}

/**
 * What a poll rides out: whatever the client retries anyway, and an answer it could not use (too
 * big, malformed), a redirect (not followed), and a 404 while a new job may not be visible yet.
 * A refusal (400, 401, 403, a 404 after that, ...) still ends the wait at once.
 */
function pollRidesOut(
  verdict: { status: number | null; transient: boolean; unusable: boolean },
  poll: PollWindow,
  now: number,
): boolean {
  if (verdict.transient || verdict.unusable) return true;
  const status = verdict.status;
  if (status === null) return true;
  if (status >= 300 && status < 400) return true;
  return status === 404 && now < poll.notFoundUntilMs;
}

/** One HTTP attempt, its body read (or cancelled) before it returns. */
async function attemptOnce<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  url: string,
  bodyText: string | undefined,
): Promise<Verdict<T>> {
  const callerSignal = call.signal;
  const timeout = new AbortController();
  // The deadline is a sleep on the client's clock, so a virtual clock drives it like every other
  // wait; `attemptOver` cancels it as soon as this attempt ends, whichever way.
  const attemptOver = new AbortController();
  let clockFailed: { error: unknown } | undefined;
  cfg.clock.sleep(cfg.requestTimeoutMs, attemptOver.signal).then(
    () => {
      timeout.abort(
        new DOMException(`No answer within ${cfg.requestTimeoutMs}ms`, "TimeoutError"),
      );
    },
    (error: unknown) => {
      // Cancelled because the attempt ended: the expected case. Any other failure is the clock's
      // own; end the request and let the failure through rather than wait without a deadline.
      if (attemptOver.signal.aborted) return;
      clockFailed = { error };
      timeout.abort(error);
    },
  );
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
  const headers: Record<string, string> = {
    "Accept": "application/json",
    "X-API-KEY": cfg.apiKey,
  };
  if (bodyText !== undefined) headers["Content-Type"] = "application/json";
  const init: RequestInit = { method: call.method, headers, signal, redirect: "manual" };
  if (bodyText !== undefined) init.body = bodyText;

  const noAnswer = (error: unknown, sent: "fetch" | "body"): Verdict<T> => {
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (clockFailed) throw clockFailed.error;
    if (timeout.signal.aborted) {
      return {
        ok: false,
        status: null,
        transient: true,
        notSent: false,
        mayHaveCreated: true,
        unusable: true,
        detail: `no answer within ${formatMs(cfg.requestTimeoutMs)}`,
      };
    }
    const notSent = sent === "fetch" && neverReachedServer(error);
    return {
      ok: false,
      status: null,
      transient: true,
      notSent,
      mayHaveCreated: !notSent,
      unusable: true,
      detail: describeNetworkError(error, cfg.apiKey),
      cause: safeCause(error, cfg.apiKey),
    };
  };

  try {
    let response: Response;
    try {
      const send = call.isCreate ? cfg.createFetch : cfg.fetch;
      response = await send(url, init);
    } catch (error) {
      return noAnswer(error, "fetch");
    }
    let body: BodyRead;
    try {
      body = await readBody(response, cfg.maxResponseBytes);
    } catch (error) {
      return noAnswer(error, "body");
    }
    return judgeAnswer(cfg, call, response, body);
  } finally {
    attemptOver.abort();
  }
}

type BodyRead = { text: string } | { oversized: true };

/** Reads the whole body, or cancels it as soon as it passes `limit` bytes. */
async function readBody(response: Response, limit: number): Promise<BodyRead> {
  const stream = response.body;
  if (stream === null) return { text: "" };
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await stream.cancel();
    return { oversized: true };
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return { oversized: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes) };
}

function judgeAnswer<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  response: Response,
  body: BodyRead,
): Verdict<T> {
  const status = response.status;
  const key = cfg.apiKey;
  if (status >= 200 && status < 300) {
    // A 2xx we cannot use: the request was done, so a create may have made its job.
    const unusable = (transient: boolean, detail: string): Verdict<T> => ({
      ok: false,
      status,
      transient,
      notSent: false,
      mayHaveCreated: true,
      unusable: true,
      detail,
    });
    if ("oversized" in body) {
      return unusable(false, `the answer was larger than ${cfg.maxResponseBytes} bytes`);
    }
    let json: unknown;
    if (body.text.trim() === "" && call.allowEmpty) {
      json = {};
    } else {
      try {
        json = JSON.parse(body.text);
      } catch {
        // Not JSON: most likely a proxy's page in front of Tamr. Say what it looked like.
        return unusable(true, `the answer was not JSON (${describeBody(body.text, key)})`);
      }
    }
    const parsed = call.parse(json);
    if (parsed.ok) return { ok: true, value: parsed.value, status };
    return unusable(
      false,
      `the answer was not what the API documents: ${redact(parsed.why, [key])}`,
    );
  }

  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    return {
      ok: false,
      status,
      transient: false,
      notSent: false,
      mayHaveCreated: false,
      unusable: false,
      detail: location
        ? `redirected to ${
          clip(redact(location, [key]), 200)
        }, which is not followed so the API key stays with the base URL`
        : "a redirect without a location",
    };
  }

  const tamrMessage = "oversized" in body ? undefined : errorMessageOf(body.text, key);
  const detail = "oversized" in body
    ? `an error body larger than ${cfg.maxResponseBytes} bytes`
    : tamrMessage ?? describeBody(body.text, key);
  const transient = isTransientStatus(status);
  return {
    ok: false,
    status,
    transient,
    notSent: false,
    // A 4xx is a refusal: nothing was created. A 5xx may come after the work was done.
    mayHaveCreated: status >= 500,
    unusable: false,
    tamrMessage,
    detail,
    retryAfterMs: transient
      ? parseRetryAfter(response.headers.get("retry-after"), cfg.clock.now())
      : undefined,
  };
}
