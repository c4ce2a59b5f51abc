/**
 * `--notify URL`: a JSON summary of the run posted to a webhook when it ends. The `text` field is
 * what Slack and Microsoft Teams incoming webhooks show; the other fields are the structured outcome.
 * A webhook that fails is retried a few times and then only warned about: it never changes the run.
 */
import { isLoopbackHost } from "../../kit/tenant.ts";
import type { Clock } from "../../kit/clock.ts";
import { formatDuration } from "../../kit/duration.ts";
import { UsageError } from "../../kit/errors.ts";
import type { RunOutcome, StepSummary } from "../../kit/run/events.ts";
import { endTookText, type EndView } from "./end_view.ts";

/** The JSON body posted to the webhook. It never holds the API key. */
export interface NotifyPayload {
  /** One message for people, as Slack and Teams incoming webhooks expect. */
  text: string;
  outcome: RunOutcome | null;
  exitCode: number | null;
  tenant: string;
  baseUrl: string;
  dataProduct: string;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  steps: StepSummary[];
  resumeCommand: string | null;
}

/** How hard to try: attempts in all, the first backoff (doubled each time), a timeout per attempt. */
export interface NotifyOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/** What sending needs from the outside world. */
export interface NotifyDeps extends NotifyOptions {
  fetch: typeof fetch;
  clock: Clock;
}

/** How a notification went; `error` is a sentence that never holds the webhook's path. */
export type NotifyResult =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; error: string };

export const NOTIFY_DEFAULTS: Required<NotifyOptions> = {
  attempts: 3,
  backoffMs: 250,
  timeoutMs: 5_000,
};

/**
 * Checks a webhook URL: https, or http only for loopback hosts, no credentials in it. A query is
 * allowed (Teams and Power Automate URLs carry their signature there). Returns the URL as given.
 */
export function checkNotifyUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--notify must be a URL such as https://hooks.slack.com/services/..., got ${
        JSON.stringify(raw)
      }`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `--notify may use http:// only for loopback hosts (localhost, 127.0.0.1, ::1), got ${
        JSON.stringify(url.origin)
      }`,
      { hint: "Use the https:// URL your chat tool gave for its incoming webhook." },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--notify must start with https://, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) {
    throw new UsageError(
      `--notify must not carry a user name or password, got one for ${JSON.stringify(url.host)}`,
    );
  }
  return raw;
}

/** The webhook's origin, for messages: its path is often a secret token. */
export function notifyTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch (e) {
    return `an invalid URL (${e instanceof Error ? e.message : String(e)})`;
  }
}

const ICON: Record<RunOutcome, string> = {
  succeeded: "✅",
  failed: "❌",
  timed_out: "⏱️",
  interrupted: "⏹️",
  error: "⚠️",
};

/** The payload for a finished run, folded from its view state. */
export function notifyPayload(view: EndView): NotifyPayload {
  const steps = view.steps;
  const durationMs = view.startedAt !== null && view.finishedAt !== null
    ? view.finishedAt - view.startedAt
    : null;
  const ok = steps.filter((s) => s.outcome === "succeeded").length;
  const head = `${view.outcome ? ICON[view.outcome] + " " : ""}tamr-refresh: ${
    view.dataProduct || "run"
  } on ${view.tenant || "?"} ${view.outcome ?? "ended"}${
    durationMs === null ? "" : endTookText(view)
  } (exit ${view.exitCode ?? "?"}), ${ok} of ${steps.length} steps succeeded.`;
  const details = steps
    .filter((s) => s.outcome !== "succeeded")
    .slice(0, 10)
    .map((s) =>
      `• ${s.step}: ${s.outcome.replace("_", " ")}${
        s.error ? ` (${s.error.reason}: ${s.error.message})` : ""
      }`
    );
  const text = [head, ...(view.message ? [view.message] : []), ...details].join("\n");
  return {
    text,
    outcome: view.outcome,
    exitCode: view.exitCode,
    tenant: view.tenant,
    baseUrl: view.baseUrl,
    dataProduct: view.dataProduct,
    message: view.message,
    startedAt: view.startedAt === null ? null : new Date(view.startedAt).toISOString(),
    finishedAt: view.finishedAt === null ? null : new Date(view.finishedAt).toISOString(),
    durationMs,
    steps,
    resumeCommand: view.resumeCommand,
  };
}

/** Replaces the webhook's full URL (its path is often a secret) with its origin. */
function hideUrl(text: string, url: string): string {
  const origin = notifyTarget(url);
  let out = text.split(url).join(origin);
  try {
    out = out.split(new URL(url).href).join(origin);
  } catch (e) {
    // checkNotifyUrl has parsed it already; an unparsable URL has no other form to hide.
    if (!(e instanceof TypeError)) throw e;
  }
  return out;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Posts `payload` as JSON to `url`, trying up to `attempts` times (network errors, timeouts, 408,
 * 429 and 5xx are retried after `backoffMs`, doubled each time). Never throws: the result says how
 * it went.
 */
export async function sendNotification(
  url: string,
  payload: NotifyPayload,
  deps: NotifyDeps,
): Promise<NotifyResult> {
  const attempts = Math.max(1, deps.attempts ?? NOTIFY_DEFAULTS.attempts);
  const backoffMs = deps.backoffMs ?? NOTIFY_DEFAULTS.backoffMs;
  const timeoutMs = deps.timeoutMs ?? NOTIFY_DEFAULTS.timeoutMs;
  const body = JSON.stringify(payload);
  let error = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${formatDuration(timeoutMs)}`)),
      timeoutMs,
    );
    let retry = true;
    try {
      const res = await deps.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: controller.signal,
      });
      await res.body?.cancel();
      if (res.ok) return { ok: true, attempts: attempt };
      error = `the webhook answered HTTP ${res.status}`;
      retry = RETRYABLE.has(res.status);
    } catch (e) {
      const why = controller.signal.aborted ? controller.signal.reason : e;
      error = `the request failed: ${
        hideUrl(why instanceof Error ? why.message : String(why), url)
      }`;
    } finally {
      clearTimeout(timer);
    }
    if (!retry) return { ok: false, attempts: attempt, error };
    if (attempt < attempts) await deps.clock.sleep(backoffMs * 2 ** (attempt - 1));
  }
  return { ok: false, attempts, error };
}
