/** The simulated tenant's answers: JSON, Tamr's JSON errors, a load balancer's HTML pages. */

/**
 * What to do with a request: send this Response, break the connection without an answer
 * (`"drop"`, after the request reached the tenant), or never answer (`"hang"`) until the client
 * gives up.
 */
export type Outcome = Response | "drop" | "hang";

/** 200 with the value as JSON. */
export function ok(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
}

/** Tamr's JSON error: `{"statusCode": status, "message": message}`. */
export function json(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ statusCode: status, message }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The message Tamr gives with a status when nothing more is said. */
export function defaultMessage(status: number): string {
  if (status === 429) return "Too many requests. Try again later.";
  if (status === 503) return "The service is temporarily unavailable. Try again later.";
  if (status >= 500) return "An internal error occurred.";
  return STATUS_TEXT[status] ?? `Request failed with status ${status}.`;
}

/** The HTML page a load balancer or proxy answers with. */
export function html(status: number): Response {
  const title = `${status} ${STATUS_TEXT[status] ?? "Error"}`;
  return new Response(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    { status, headers: { "content-type": "text/html" } },
  );
}
