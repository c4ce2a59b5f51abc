/** One request as the client makes it, and how one attempt at it went. */
import type { Parsed } from "./_client_parse.ts";
import type { PollRetry } from "./retry.ts";
import type { RetryInfo } from "./types.ts";

/** One request: what to send, how to read the answer, and how its retries go. */
export interface Call<T> {
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
  /** Not retried: the first failed attempt is thrown (a caller with another way to ask). */
  once?: boolean | undefined;
  /** `false`: a 429 is thrown at once, for a caller that waits for a slot itself. */
  retryTooManyRequests?: boolean | undefined;
  parse: (json: unknown) => Parsed<T>;
}

/** How one attempt went, with everything the retry loop needs to decide. */
export type Verdict<T> =
  | { ok: true; value: T; status: number }
  | Failed;

/** An attempt that did not give a usable answer. */
export interface Failed {
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
}
