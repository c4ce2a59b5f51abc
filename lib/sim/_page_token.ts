/**
 * The list's page tokens. They are opaque to clients: base64url of where the page ended (the last
 * shown job's place in the order) and a fingerprint of the filter it was listed with.
 */
import type { Scenario } from "./scenario.ts";
import { TenantError } from "./tenant_error.ts";

export type ListOrder = NonNullable<Scenario["listOrder"]>;

/** Where a page ends: the last job shown, in which order, for which filter. */
export interface Cursor {
  order: ListOrder;
  key: number;
  seq: number;
  filter: string;
}

export function encodePageToken(c: Cursor): string {
  return btoa(`jobs-after:${c.order}:${c.key}:${c.seq}:${c.filter}`)
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor a token holds; TenantError 400 when it is not one of ours. */
export function decodePageToken(token: string): Cursor {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) throw invalidToken(token);
  const text = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
  const m = /^jobs-after:(created|started):(\d+(?:\.\d+)?):(\d+):([0-9a-f]{8})$/.exec(text);
  if (!m) throw invalidToken(token);
  return { order: m[1] as ListOrder, key: Number(m[2]), seq: Number(m[3]), filter: m[4]! };
}

export function invalidToken(token: string): TenantError {
  return new TenantError(400, `pageToken ${JSON.stringify(token)} is not a valid page token.`);
}

/** FNV-1a of the filter text, in hex: page tokens remember which filter they were given for. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
