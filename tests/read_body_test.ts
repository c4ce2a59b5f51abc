import assert from "node:assert/strict";
import { readBody } from "../lib/kit/api/_read_body.ts";

function streamOf(...pieces: string[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(pieces.map((p) => new TextEncoder().encode(p)));
}

Deno.test("readBody reads a body of declared length whole", async () => {
  const r = new Response('{"id":"1"}', { headers: { "content-length": "10" } });
  assert.deepEqual(await readBody(r, 100), { text: '{"id":"1"}' });
});

Deno.test("readBody refuses a declared length over the limit without reading it", async () => {
  const r = new Response("x".repeat(200), { headers: { "content-length": "200" } });
  assert.deepEqual(await readBody(r, 100), { oversized: true });
});

Deno.test("readBody reads an undeclared (streamed) body piece by piece, up to the limit", async () => {
  assert.deepEqual(await readBody(new Response(streamOf("ab", "cd", "é")), 100), {
    text: "abcdé",
  });
  assert.deepEqual(await readBody(new Response(streamOf("x".repeat(60), "x".repeat(60))), 100), {
    oversized: true,
  });
});

Deno.test("readBody gives an empty text for no body", async () => {
  assert.deepEqual(await readBody(new Response(null, { status: 204 }), 100), { text: "" });
});
