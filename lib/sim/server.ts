/**
 * The simulated Tamr tenant as a real HTTP server over TCP. What it answers is `handler.ts`'s;
 * this module serves it, breaking a connection for a "drop" and holding it open for a "hang".
 */
import { UsageError } from "../kit/errors.ts";
import type { Job } from "../kit/api/types.ts";
import { ConnectionFront } from "./_front.ts";
import { randomHex } from "./_prng.ts";
import type { Scenario } from "./scenario.ts";
import type { TenantModel } from "./tenant.ts";
import { createSimHandler, type RequestLogEntry, simulatorFailed } from "./handler.ts";

export type { RequestLogEntry } from "./handler.ts";

export interface SimTenantOptions {
  scenario?: Scenario | undefined;
  /** Default 0: any free port. */
  port?: number | undefined;
  /** Default 127.0.0.1. */
  hostname?: string | undefined;
  /** The key clients must send as `X-API-KEY`. Default `sim_` + random hex. */
  apiKey?: string | undefined;
  /** Closes the tenant when aborted. */
  signal?: AbortSignal | undefined;
  /** The tenant's time, ms since the epoch (a virtual clock's in tests). Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface SimTenant {
  /** E.g. `http://127.0.0.1:41234`; the API is under `${baseUrl}/api/v1beta1`. */
  baseUrl: string;
  apiKey: string;
  tenant: TenantModel;
  requests: RequestLogEntry[];
  /** Failures inside the simulator itself (none expected); a test can assert it stays empty. */
  errors: Error[];
  /** Every job created, oldest first, as it is now. */
  creates(): Job[];
  /** Stops serving, releases hung requests, closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts the simulated tenant on 127.0.0.1 (any free port unless `port` is given). */
export async function startSimTenant(options: SimTenantOptions = {}): Promise<SimTenant> {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? `sim_${randomHex(16)}`;
  const sim = createSimHandler({ scenario: options.scenario, apiKey, now });
  const { tenant, requests, errors } = sim;

  const handler = async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => {
    const outcome = await sim.handle(req);
    if (outcome === "drop") {
      await front.drop(info.remoteAddr.port);
      return new Response(null, { status: 502 }); // never delivered: the connection is gone
    }
    if (outcome === "hang") {
      await front.closed(info.remoteAddr.port);
      return new Response(null, { status: 504 }); // never delivered: the client gave up
    }
    return outcome;
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: (error) => {
      const err = error instanceof Error ? error : new Error(String(error));
      errors.push(err);
      return simulatorFailed(err);
    },
  }, handler);
  const hostname = options.hostname ?? "127.0.0.1";
  let front: ConnectionFront;
  try {
    front = new ConnectionFront({
      hostname,
      port: options.port ?? 0,
      upstreamPort: server.addr.port,
      onError: (error) => errors.push(error),
    });
  } catch (error) {
    await server.shutdown();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `Cannot serve the simulated tenant on ${hostname}:${options.port}: the port is in use`,
        { hint: "Choose another port with --port, or 0 for any free port.", cause: error },
      );
    }
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      options.signal?.removeEventListener("abort", close);
      await front.close();
      await server.shutdown();
    })();
    return closing;
  };
  if (options.signal?.aborted) void close();
  else options.signal?.addEventListener("abort", close, { once: true });

  return {
    baseUrl: `http://${urlHost(hostname)}:${front.port}`,
    apiKey,
    tenant,
    requests,
    errors,
    creates: () => tenant.creates(),
    close,
  };
}

function urlHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::") return "[::1]";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}
