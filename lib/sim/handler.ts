/**
 * How the simulated tenant answers one HTTP request: the key check, the routes of the Jobs API
 * under `/api/v1beta1/jobs`, and the scenario's injected faults. Shared by the real server
 * (`server.ts`) and the in-process tenant (`in_process.ts`); each of them turns "drop" and "hang"
 * into what its transport can do.
 */
import type { Job } from "../kit/api/types.ts";
import { checkCreateBody, stepIdOf } from "./_config.ts";
import { FaultBook } from "./_faults.ts";
import type { Fault, FaultKind, Scenario } from "./scenario.ts";
import { TenantError, TenantModel } from "./tenant.ts";

const PREFIX = "/api/v1beta1/jobs";

/**
 * What to do with a request: send this Response, break the connection without an answer
 * (`"drop"`, after the request reached the tenant), or never answer (`"hang"`) until the client
 * gives up.
 */
export type Outcome = Response | "drop" | "hang";

/** One request the tenant received. `status` is null while unanswered and when never answered. */
export interface RequestLogEntry {
  method: string;
  /** The URL's path, without the query. */
  path: string;
  /** The URL's query, with its `?`, or "". */
  query: string;
  status: number | null;
  /** When it arrived (ms since the epoch, by the tenant's clock). */
  time: number;
  /** The fault injected into it, if any. */
  fault?: FaultKind;
}

export interface SimHandlerOptions {
  scenario?: Scenario | undefined;
  /** The key clients must send as `X-API-KEY`. */
  apiKey: string;
  /** The tenant's time in ms since the epoch: real (`Date.now`) or virtual. */
  now: () => number;
  /** Makes job ids; default random ones (see TenantModel). */
  newJobId?: (() => string) | undefined;
}

/** The simulated tenant's state and its answer to one request. */
export interface SimHandler {
  tenant: TenantModel;
  /** Every request received, in order of arrival. */
  requests: RequestLogEntry[];
  /** Failures inside the simulator itself (none expected). */
  errors: Error[];
  /** Logs the request and decides its outcome; a failure of the simulator answers 500. */
  handle(req: Request): Promise<Outcome>;
}

/** A tenant model, its fault book and its request log, answering requests. */
export function createSimHandler(options: SimHandlerOptions): SimHandler {
  const scenario = options.scenario ?? {};
  const { apiKey, now } = options;
  const tenant = new TenantModel({
    scenario,
    now,
    ...(options.newJobId ? { newJobId: options.newJobId } : {}),
  });
  const faults = new FaultBook(scenario.faults, now);
  const requests: RequestLogEntry[] = [];
  const errors: Error[] = [];
  return {
    tenant,
    requests,
    errors,
    async handle(req) {
      const url = new URL(req.url);
      const entry: RequestLogEntry = {
        method: req.method,
        path: url.pathname,
        query: url.search,
        status: null,
        time: now(),
      };
      requests.push(entry);
      let outcome: Outcome;
      try {
        outcome = await answer(req, url, { tenant, faults, apiKey, entry });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        errors.push(err);
        outcome = simulatorFailed(err);
      }
      if (outcome instanceof Response) entry.status = outcome.status;
      return outcome;
    },
  };
}

/** The answer when the simulator itself failed. */
export function simulatorFailed(error: Error): Response {
  return json(500, `The simulated tenant failed: ${error.message}`);
}

interface Context {
  tenant: TenantModel;
  faults: FaultBook;
  apiKey: string;
  entry: RequestLogEntry;
}

type Route =
  | { name: "create" }
  | { name: "list" }
  | { name: "get"; jobId: string }
  | { name: "stop"; jobId: string };

async function answer(req: Request, url: URL, ctx: Context): Promise<Outcome> {
  if (req.headers.get("x-api-key") !== ctx.apiKey) {
    return json(401, "The X-API-KEY header is missing or is not a valid API key.");
  }
  const route = routeOf(req.method, url.pathname);
  if (!route) return json(404, `There is no ${req.method} ${url.pathname} in this API.`);

  let body: unknown;
  if (req.method === "POST") {
    const text = await req.text();
    try {
      body = JSON.parse(text);
    } catch (error) {
      return json(400, `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (route.name === "stop" && (typeof body !== "object" || body === null || Array.isArray(body))) {
    return json(400, `The stop request body must be a JSON object such as {}.`);
  }

  const step = stepOf(route, body, ctx.tenant);
  const fault = ctx.faults.next({ method: req.method, route: route.name, step });
  if (fault) ctx.entry.fault = fault.kind;
  return fault
    ? inject(fault, route, body, ctx.tenant, url)
    : perform(route, body, ctx.tenant, url);
}

function routeOf(method: string, pathname: string): Route | undefined {
  if (pathname === PREFIX) {
    if (method === "POST") return { name: "create" };
    if (method === "GET") return { name: "list" };
    return undefined;
  }
  if (!pathname.startsWith(`${PREFIX}/`)) return undefined;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(PREFIX.length + 1));
  } catch (error) {
    if (error instanceof URIError) return undefined; // not a path we serve
    throw error;
  }
  if (rest === "" || rest.includes("/")) return undefined;
  if (rest.endsWith(":stop")) {
    const jobId = rest.slice(0, -":stop".length);
    return method === "POST" && jobId && !jobId.includes(":") ? { name: "stop", jobId } : undefined;
  }
  if (rest.includes(":")) return undefined;
  return method === "GET" ? { name: "get", jobId: rest } : undefined;
}

function stepOf(route: Route, body: unknown, tenant: TenantModel): string | undefined {
  if (route.name === "get" || route.name === "stop") return tenant.stepOf(route.jobId);
  if (route.name === "create") {
    const checked = checkCreateBody(body);
    return "configuration" in checked ? stepIdOf(checked.configuration) : undefined;
  }
  return undefined;
}

function perform(route: Route, body: unknown, tenant: TenantModel, url: URL): Response {
  try {
    switch (route.name) {
      case "create":
        return ok(tenant.create(body));
      case "get":
        return ok(tenant.get(route.jobId));
      case "list":
        // `filter` is accepted and ignored: clients must check the jobs they get themselves.
        return ok(tenant.list({
          pageSize: url.searchParams.get("pageSize"),
          pageToken: url.searchParams.get("pageToken"),
        }));
      case "stop":
        return ok(tenant.stop(route.jobId));
    }
  } catch (error) {
    if (error instanceof TenantError) return json(error.status, error.message);
    throw error;
  }
}

async function inject(
  fault: Fault,
  route: Route,
  body: unknown,
  tenant: TenantModel,
  url: URL,
): Promise<Outcome> {
  switch (fault.kind) {
    case "status": {
      const headers = fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {};
      return json(fault.status, fault.message ?? defaultMessage(fault.status), headers);
    }
    case "html":
      return html(fault.status ?? 502);
    case "hang":
      return "hang";
    case "drop":
      return "drop";
    case "unauthorized":
      return json(401, "The API key is not valid or has been revoked.");
    case "outage": {
      const status = fault.status ?? 503;
      const headers = fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {};
      return json(status, defaultMessage(status), headers);
    }
    case "oversize":
      return oversize(perform(route, body, tenant, url), fault.bytes ?? 50_000_000);
    case "redirect":
      return new Response(null, {
        status: fault.status ?? 307,
        headers: { location: fault.location ?? "/maintenance" },
      });
    case "malformed": {
      const response = perform(route, body, tenant, url);
      const text = await response.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), {
        status: response.status,
        headers: { "content-type": "application/json" },
      });
    }
    case "unknownState": {
      const response = perform(route, body, tenant, url);
      if (!response.ok) return response;
      const value = await response.json() as { jobs?: Job[] } & Partial<Job>;
      for (const job of value.jobs ?? [value as Job]) {
        if (job.status) job.status.state = "STATE_UNSPECIFIED";
      }
      return ok(value);
    }
    case "lostCreate": {
      const response = perform(route, body, tenant, url);
      await response.body?.cancel();
      if (fault.hang) return "hang";
      return fault.status !== undefined ? html(fault.status) : "drop";
    }
    case "vanish": {
      if (route.name === "get" || route.name === "stop") {
        tenant.forget(route.jobId);
        return perform(route, body, tenant, url);
      }
      const response = perform(route, body, tenant, url);
      if (!response.ok) return response;
      const job = await response.json() as Job;
      tenant.forget(job.jobId);
      return ok(job);
    }
  }
}

/**
 * The answer with a `padding` field in front that makes its body `bytes` long, streamed in chunks
 * as the client reads (a client that stops reading never makes the rest).
 */
async function oversize(response: Response, bytes: number): Promise<Response> {
  const text = await response.text();
  if (!response.ok) return new Response(text, response);
  const head = new TextEncoder().encode(`{"padding":"`);
  const tail = new TextEncoder().encode(`",${text.slice(1)}`);
  const chunk = new Uint8Array(64 * 1024).fill(0x78); // "x"
  let left = Math.max(0, bytes - head.length - tail.length);
  let stage: "head" | "padding" | "tail" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === "head") {
        controller.enqueue(head);
        stage = "padding";
      } else if (stage === "padding") {
        const n = Math.min(left, chunk.length);
        if (n > 0) controller.enqueue(chunk.subarray(0, n));
        left -= n;
        if (left === 0) stage = "tail";
      } else if (stage === "tail") {
        controller.enqueue(tail);
        stage = "done";
      } else controller.close();
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

function ok(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
}

function json(status: number, message: string, headers: Record<string, string> = {}): Response {
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

function defaultMessage(status: number): string {
  if (status === 429) return "Too many requests. Try again later.";
  if (status === 503) return "The service is temporarily unavailable. Try again later.";
  if (status >= 500) return "An internal error occurred.";
  return STATUS_TEXT[status] ?? `Request failed with status ${status}.`;
}

function html(status: number): Response {
  const title = `${status} ${STATUS_TEXT[status] ?? "Error"}`;
  return new Response(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    { status, headers: { "content-type": "text/html" } },
  );
}
