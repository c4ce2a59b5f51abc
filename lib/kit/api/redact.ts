/**
 * Keeping the API key out of text: every occurrence of a secret is replaced with `***`, as a whole.
 * A short secret (a test key such as `x`) is replaced only where it stands alone, not inside a
 * longer word, so ordinary text is never mangled; a long one everywhere, since no ordinary word
 * contains it. Its URL-encoded form is replaced too.
 */

/** Below this length a secret is replaced only where it stands alone. */
const SHORT_SECRET = 8;

/** Replaces each secret in `text` with `***`. Empty secrets are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = replaceSecret(out, form);
  }
  return out;
}

function replaceSecret(text: string, secret: string): string {
  if (secret.length >= SHORT_SECRET) return text.split(secret).join("***");
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Alone: not preceded or followed by a letter, digit, "_" or "-" (what keys are made of).
  return text.replace(
    new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, "gu"),
    "***",
  );
}
