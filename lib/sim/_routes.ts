/**
 * The routes of the Jobs API under `/api/v1beta1/jobs`, and what the tenant does on each when no
 * fault is injected.
 */
import { checkCreateBody, stepIdOf } from "./_config.ts";
import { json, ok } from "./_responses.ts";
import { TenantError } from "./tenant_error.ts";
import type { TenantModel } from "./tenant.ts";

const PREFIX = "/api/v1beta1/jobs";

export type Route =
  | { name: "create" }
  | { name: "list" }
  | { name: "get"; jobId: string }
  | { name: "stop"; jobId: string };

/** The route of a request, or undefined when the API has no such route. */
export function routeOf(method: string, pathname: string): Route | undefined {
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

/** The step a request concerns: the created configuration's, or the job's. */
export function stepOf(route: Route, body: unknown, tenant: TenantModel): string | undefined {
  if (route.name === "get" || route.name === "stop") return tenant.stepOf(route.jobId);
  if (route.name === "create") {
    const checked = checkCreateBody(body);
    return "configuration" in checked ? stepIdOf(checked.configuration) : undefined;
  }
  return undefined;
}

/** The tenant's answer to the route; its refusals become Tamr's JSON errors. */
export function perform(route: Route, body: unknown, tenant: TenantModel, url: URL): Response {
  try {
    switch (route.name) {
      case "create":
        return ok(tenant.create(body));
      case "get":
        return ok(tenant.get(route.jobId));
      case "list":
        return ok(tenant.list({
          pageSize: url.searchParams.get("pageSize"),
          pageToken: url.searchParams.get("pageToken"),
          filter: url.searchParams.get("filter"),
        }));
      case "stop":
        return ok(tenant.stop(route.jobId));
    }
  } catch (error) {
    if (error instanceof TenantError) return json(error.status, error.message);
    throw error;
  }
}
