/** Judging one HTTP answer: its value, or why it failed and whether it is worth another try. */
import { clip, describeBody, errorMessageOf } from "./_client_text.ts";
import type { Call, Verdict } from "./_call.ts";
import type { BodyRead } from "./_read_body.ts";
import type { ResolvedOptions } from "./_resolve_options.ts";
import { redact } from "./redact.ts";
import { isTransientStatus, parseRetryAfter } from "./retry.ts";

/** The verdict on an answer whose body has been read. */
export function judgeAnswer<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  response: Response,
  body: BodyRead,
): Verdict<T> {
  const status = response.status;
  if (status >= 200 && status < 300) return judgeSuccess(cfg, call, status, body);
  if (status >= 300 && status < 400) return judgeRedirect(cfg, response);
  return judgeRefusal(cfg, response, body);
}

/** A 2xx: the parsed value, or why it cannot be used. */
function judgeSuccess<T>(
  cfg: ResolvedOptions,
  call: Call<T>,
  status: number,
  body: BodyRead,
): Verdict<T> {
  const key = cfg.apiKey;
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

/** A 3xx: never followed, so the key stays with the base URL. */
function judgeRedirect<T>(cfg: ResolvedOptions, response: Response): Verdict<T> {
  const location = response.headers.get("location");
  return {
    ok: false,
    status: response.status,
    transient: false,
    notSent: false,
    mayHaveCreated: false,
    unusable: false,
    detail: location
      ? `redirected to ${
        clip(redact(location, [cfg.apiKey]), 200)
      }, which is not followed so the API key stays with the base URL`
      : "a redirect without a location",
  };
}

/** A 4xx or 5xx: Tamr's message, and whether it is worth another try. */
function judgeRefusal<T>(cfg: ResolvedOptions, response: Response, body: BodyRead): Verdict<T> {
  const status = response.status;
  const key = cfg.apiKey;
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
