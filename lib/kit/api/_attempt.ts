/** One HTTP attempt of a request: sent, its body read, its answer judged. */
import { describeNetworkError, formatMs, neverReachedServer, safeCause } from "./_client_text.ts";
import { type AttemptDeadline, startDeadline } from "./_attempt_deadline.ts";
import type { Call, Verdict } from "./_call.ts";
import { judgeAnswer } from "./_judge_answer.ts";
import { type BodyRead, readBody } from "./_read_body.ts";
import type { ResolvedOptions } from "./_resolve_options.ts";

/** One HTTP attempt, its body read (or cancelled) before it returns. */
export async function attemptOnce<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  url: string,
  bodyText: string | undefined,
): Promise<Verdict<T>> {
  const callerSignal = call.signal;
  const deadline = startDeadline(cfg);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  const headers: Record<string, string> = {
    "Accept": "application/json",
    "X-API-KEY": cfg.apiKey,
  };
  if (bodyText !== undefined) headers["Content-Type"] = "application/json";
  const init: RequestInit = { method: call.method, headers, signal, redirect: "manual" };
  if (bodyText !== undefined) init.body = bodyText;
  const noAnswer = (error: unknown, sent: "fetch" | "body") =>
    noAnswerVerdict<T>(cfg, callerSignal, deadline, error, sent);

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
    deadline.end();
  }
}

/**
 * The verdict when `fetch` or reading the body failed: the caller's abort and the clock's own
 * failure are thrown; a timeout or a network error is worth another try.
 */
function noAnswerVerdict<T>(
  cfg: ResolvedOptions,
  callerSignal: AbortSignal | undefined,
  deadline: AttemptDeadline,
  error: unknown,
  sent: "fetch" | "body",
): Verdict<T> {
  if (callerSignal?.aborted) throw callerSignal.reason;
  const clockFailed = deadline.clockFailed();
  if (clockFailed) throw clockFailed.error;
  if (deadline.signal.aborted) {
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
}
