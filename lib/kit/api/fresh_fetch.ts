/**
 * A fetch that opens a new connection for every request. HTTP stacks (Deno's among them) silently
 * re-send a request whose pooled keep-alive connection closed before any answer; for a create that
 * could make a second job, so creates go through this.
 */
let noPoolClient: Deno.HttpClient | undefined;

/** `fetch` without a keep-alive pool: nothing is ever re-sent behind our back. */
export const freshConnectionFetch: typeof fetch = (input, init) => {
  noPoolClient ??= Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return fetch(input, { ...init, client: noPoolClient });
};
