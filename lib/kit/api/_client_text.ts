/** Describing failed HTTP exchanges in a sentence, with the API key taken out of everything. */
import { redact } from "./redact.ts";
import { isObject } from "./_client_parse.ts";

/** Tamr's `{"statusCode":N,"message":"..."}` (or Google-style `{"error":{"message":...}}`). */
export function errorMessageOf(text: string, key: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the caller describes the body instead
  }
  if (!isObject(json)) return undefined;
  const message = typeof json.message === "string"
    ? json.message
    : isObject(json.error) && typeof json.error.message === "string"
    ? json.error.message
    : undefined;
  if (message === undefined || message.trim() === "") return undefined;
  return clip(oneLine(redact(message, [key])), 500);
}

/** A few words on a body that is not the JSON we wanted: an HTML page's title, or its start. */
export function describeBody(text: string, key: string): string {
  const clean = redact(text, [key]);
  if (clean.trim() === "") return "an empty body";
  if (/<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<title[\s>]/i.test(clean)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(clean)?.[1];
    const t = title ? clip(oneLine(decodeEntities(title)), 80) : "";
    return t ? `an HTML page titled ${JSON.stringify(t)}` : "an HTML page";
  }
  return `a body starting ${JSON.stringify(clip(oneLine(clean), 80))}`;
}

export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\s]+/gu, " ").trim();
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Every message along an error's cause chain, outermost first. */
function causeMessages(error: unknown): string[] {
  const out: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    out.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

/**
 * True when fetch failed before the request could reach the server: the connection was refused
 * or the name did not resolve. Deno says `fetch failed` with a cause like `client error
 * (Connect): tcp connect error: Connection refused (os error 111)` or `dns error`.
 */
export function neverReachedServer(error: unknown): boolean {
  const text = causeMessages(error).join(" | ");
  return /connection refused|os error 111|ECONNREFUSED|client error \(Connect\)|dns error|failed to lookup address|name or service not known|ENOTFOUND|EAI_AGAIN/i
    .test(text);
}

/** A short phrase for a network error; the raw text (key removed) when it is not a known one. */
export function describeNetworkError(error: unknown, key: string): string {
  const text = causeMessages(error).join(" | ");
  if (/connection refused|os error 111|ECONNREFUSED/i.test(text)) return "connection refused";
  if (
    /dns error|failed to lookup address|name or service not known|ENOTFOUND|EAI_AGAIN/i.test(text)
  ) {
    return "the host name did not resolve";
  }
  if (
    /connection closed before message completed|connection reset|ECONNRESET|os error 104/i.test(
      text,
    )
  ) {
    return "the connection was closed before an answer came";
  }
  const messages = causeMessages(error);
  const innermost = messages[messages.length - 1] ?? "unknown error";
  return `network error: ${clip(oneLine(redact(innermost, [key])), 200)}`;
}

/**
 * The error to keep as `cause`: the original when the key appears nowhere along its chain, else a
 * plain copy of its messages with the key removed.
 */
export function safeCause(error: unknown, key: string): unknown {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    parts.push(String(e));
    if (e instanceof Error) parts.push(e.message, e.stack ?? "");
    try {
      parts.push(JSON.stringify(e) ?? "");
    } catch (jsonError) {
      parts.push(String(jsonError));
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  if (!parts.some((p) => p.includes(key))) return error;
  return new Error(redact(causeMessages(error).join(": "), [key]));
}
