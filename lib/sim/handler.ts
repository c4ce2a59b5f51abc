/**
 * How the simulated tenant answers one HTTP request: the key check, the routes of the Jobs API
 * under `/api/v1beta1/jobs`, and the scenario's injected faults. Every answer carries a `Date`
 * header by the tenant's clock. Shared by the real server (`server.ts`) and the in-process tenant
 * (`in_process.ts`); each of them turns "drop" and "hang" into what its transport can do.
 */
import { FaultBook } from "./_faults.ts";
import { inject } from "./_inject.ts";
import { json, type Outcome } from "./_responses.ts";
import { perform, routeOf, stepOf } from "./_routes.ts";
import type { FaultKind, Scenario } from "./scenario.ts";
import { TenantModel } from "./tenant.ts";

export type { Outcome } from "./_responses.ts";

/** One request the tenant received. `status` is null while unanswered and when never answered. */
export interface RequestLogEntry {
  method: string;
  /** The URL's path, without the query. */
  path: string;
  /** The URL's query, with its `?`, or "". */
  query: string;
  status: number | null;
  /**
   * When it arrived (ms since the epoch), by the simulator's clock: the tenant's without the
   * scenario's `clockOffsetMs`, so it compares with the run's clock.
   */
  time: number;
  /** The fault injected into it, if any. */
  fault?: FaultKind;
}

export interface SimHandlerOptions {
  scenario?: Scenario | undefined;
  /** The key clients must send as `X-API-KEY`. */
  apiKey: string;
  /**
   * Our time in ms since the epoch: real (`Date.now`) or virtual. The tenant's is this shifted by
   * the scenario's `clockOffsetMs`.
   */
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
      if (outcome instanceof Response) {
        entry.status = outcome.status;
        outcome.headers.set("date", new Date(tenant.now()).toUTCString());
      }
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
