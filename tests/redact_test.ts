import assert from "node:assert/strict";
import { redact } from "../lib/kit/api/redact.ts";

Deno.test("redact() replaces a long key wherever it appears, even inside other text", () => {
  const key = "tk_9f8e7d6c5b4a";
  assert.equal(redact(`key=${key}; again:${key}x`, [key]), "key=***; again:***x");
});

Deno.test("redact() never mangles ordinary text when the key is short", () => {
  const out = redact("exit 1: x failed; the example box is fixed", ["x"]);
  assert.equal(out, "exit 1: *** failed; the example box is fixed");
  assert.equal(redact("X-API-KEY: x", ["x"]), "X-API-KEY: ***");
  assert.equal(redact('{"key":"ab1"}', ["ab1"]), '{"key":"***"}');
});

Deno.test("redact() replaces the URL-encoded form of a key too", () => {
  const key = "a b/c+d=e&f";
  assert.equal(redact(`?k=${encodeURIComponent(key)}`, [key]), "?k=***");
});

Deno.test("redact() ignores empty and missing secrets", () => {
  assert.equal(redact("nothing to hide", ["", undefined]), "nothing to hide");
});
