/** One request of the job client, with its retries. */
import { ApiError } from "../errors.ts";
import { attemptOnce } from "./_attempt.ts";
import type { Call, Failed, Verdict } from "./_call.ts";
import { pollRidesOut, type PollWindow, pollWindow } from "./_poll_window.ts";
import type { ResolvedOptions } from "./_resolve_options.ts";
import { decidePollRetry, decideRetry, type RetryDecision } from "./retry.ts";
import type { ExchangeInfo, RetryInfo } from "./types.ts";

/**
 * Sends `call` until it gets a usable answer, retrying what is worth retrying (never a create that
 * may have reached the server), and returns the parsed value or throws an `ApiError`.
 */
export async function request<T>(cfg: ResolvedOptions, call: Call<T>): Promise<T> {
  const { clock } = cfg;
  const signal = call.signal;
  const url = cfg.base + call.path;
  const bodyText = call.body === undefined ? undefined : JSON.stringify(call.body);
  const startedAt = clock.now();
  const poll = call.poll ? pollWindow(call.poll, startedAt) : undefined;
  for (let attempt = 1;; attempt++) {
    if (signal?.aborted) throw signal.reason;
    const t0 = clock.now();
    const verdict = await attemptOnce(cfg, call, url, bodyText);
    reportExchange(cfg, call, verdict, attempt, Math.max(0, clock.now() - t0));
    if (verdict.ok) return verdict.value;

    const fail = (ambiguous: boolean, extra?: string) =>
      failure(call, verdict, attempt, ambiguous, extra);
    const retriable = poll ? pollRidesOut(verdict, poll, clock.now()) : verdict.transient;
    if (!retriable || call.once) throw fail(call.isCreate && verdict.mayHaveCreated);
    if (verdict.status === 429 && call.retryTooManyRequests === false) throw fail(false);
    if (call.isCreate && !(verdict.status === 429 || verdict.notSent)) {
      throw fail(true, "the job may have been created, so the request was not sent again");
    }
    const decision = decide(cfg, verdict, { attempt, startedAt, poll });
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

/** Tells `onExchange` how one attempt went. */
function reportExchange<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  verdict: Verdict<T>,
  attempt: number,
  durationMs: number,
): void {
  const exchange: ExchangeInfo = {
    method: call.method,
    path: call.path,
    status: verdict.status,
    durationMs,
    attempt,
  };
  if (!verdict.ok && verdict.unusable) exchange.error = verdict.detail;
  cfg.onExchange?.(exchange);
}

/** The error for a request that failed for good. */
function failure<T>(
  call: Call<T>,
  verdict: Failed,
  attempt: number,
  ambiguous: boolean,
  extra?: string,
): ApiError {
  return new ApiError({
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
}

/** Whether to try again and after how long: a poll by its window, anything else by the policy. */
function decide(
  cfg: ResolvedOptions,
  verdict: Failed,
  at: { attempt: number; startedAt: number; poll: PollWindow | undefined },
): RetryDecision {
  const { clock, policy } = cfg;
  return at.poll
    ? decidePollRetry({
      attempt: at.attempt,
      now: clock.now(),
      untilMs: at.poll.untilMs,
      retryAfterMs: verdict.retryAfterMs,
      policy,
      random: cfg.random,
    })
    : decideRetry({
      attempt: at.attempt,
      startedAt: at.startedAt,
      now: clock.now(),
      retryAfterMs: verdict.retryAfterMs,
      policy,
      random: cfg.random,
    });
}
