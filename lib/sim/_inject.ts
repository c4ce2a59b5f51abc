/** What the client gets instead of (or on top of) the normal answer when a fault is injected. */
import type { Job } from "../kit/api/types.ts";
import { defaultMessage, html, json, ok, type Outcome } from "./_responses.ts";
import { perform, type Route } from "./_routes.ts";
import type { Fault } from "./scenario.ts";
import type { TenantModel } from "./tenant.ts";

/** The outcome of a request that meets `fault`; some kinds do the work first, most do not. */
export async function inject(
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
