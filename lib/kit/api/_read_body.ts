/** Reading an answer's body, never more than a limit. */

/** The whole body as text, or word that it was larger than the limit. */
export type BodyRead = { text: string } | { oversized: true };

/** Reads the whole body, or cancels it as soon as it passes `limit` bytes. */
export async function readBody(response: Response, limit: number): Promise<BodyRead> {
  const stream = response.body;
  if (stream === null) return { text: "" };
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await stream.cancel();
    return { oversized: true };
  }
  // With its length declared the body arrives whole in one buffer of that size; read piece by
  // piece, each piece would take a fresh 64 KiB buffer (a lot of memory churn at a thousand polls).
  if (Number.isFinite(declared) && response.headers.has("content-length")) {
    return { text: await response.text() };
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return { oversized: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes) };
}
