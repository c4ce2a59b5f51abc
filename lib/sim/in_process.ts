/**
 * The simulated tenant without a network: a `fetch` that hands each request to the tenant's
 * handler in the same process. With a VirtualClock it runs whole pipelines in virtual time,
 * deterministically; the TCP server (`server.ts`) answers exactly the same way over real sockets.
 */
import type { Clock } from "../kit/clock.ts";
import { createSimHandler } from "./handler.ts";
import { mulberry32, randomHex } from "./_prng.ts";
import type { Scenario } from "./scenario.ts";
import { SCENARIO_DEFAULTS } from "./scenario_defaults.ts";
import type { SimTenant } from "./server.ts";

/** A base URL nothing listens on, that passes the loopback rule for `http://`. */
export const IN_PROCESS_BASE_URL = "http://127.0.0.1:9";

export interface InProcessTenantOptions {
  scenario?: Scenario | undefined;
  /** The key clients must send as `X-API-KEY`. Default `sim_` + random hex. */
  apiKey?: string | undefined;
  /** The tenant's time: a VirtualClock in tests, or any Clock. */
  clock: Pick<Clock, "now">;
  /** Default `http://127.0.0.1:9`; requests to any other origin are refused. */
  baseUrl?: string | undefined;
}

/** A SimTenant reached through its own `fetch` instead of a socket. */
export interface InProcessTenant extends SimTenant {
  /**
   * Answers in-process. A "drop" fault rejects like a connection reset after the request reached
   * the tenant; a "hang" waits until the request's signal aborts and rejects with its reason.
   */
  fetch: typeof fetch;
}

/**
 * Creates the simulated tenant in-process. Job ids come from the scenario's seed, so the same
 * scenario and the same requests give the same ids.
 *
 * @example
 * ```ts
 * import { createJobClient } from "../kit/api/client.ts";
 * import { createInProcessTenant } from "./in_process.ts";
 * import { VirtualClock } from "./virtual_clock.ts";
 *
 * const clock = new VirtualClock();
 * const sim = createInProcessTenant({ scenario: {}, apiKey: "k", clock });
 * const client = createJobClient({ baseUrl: sim.baseUrl, apiKey: "k", fetch: sim.fetch, clock });
 * const job = await clock.run(() => client.createJob({ load: { sourceId: "s1" } }));
 * console.assert(sim.creates()[0]?.jobId === job.jobId);
 * ```
 */
export function createInProcessTenant(options: InProcessTenantOptions): InProcessTenant {
  const scenario = options.scenario ?? {};
  const apiKey = options.apiKey ?? `sim_${randomHex(16)}`;
  const baseUrl = (options.baseUrl ?? IN_PROCESS_BASE_URL).replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const ids = mulberry32((scenario.seed ?? SCENARIO_DEFAULTS.seed) ^ 0x1d5c0a7b);
  const sim = createSimHandler({
    scenario,
    apiKey,
    now: () => options.clock.now(),
    newJobId: () => `job_${hex32(ids)}${hex32(ids)}`,
  });
  /** Rejecters of requests left hanging, released by close(). */
  const hung = new Set<(error: Error) => void>();
  let closed = false;

  const inProcessFetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    if (closed || new URL(request.url).origin !== origin) throw refused(request.url);
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    const outcome = await sim.handle(request);
    if (closed) {
      // Closed while the tenant worked on it: the connection is gone, whatever the answer.
      if (outcome instanceof Response) await outcome.body?.cancel();
      throw connectionClosed(request.url);
    }
    if (outcome === "drop") throw connectionClosed(request.url);
    if (outcome === "hang") {
      return await new Promise<Response>((_resolve, reject) => {
        const release = (error: Error) => {
          hung.delete(release);
          signal.removeEventListener("abort", onAbort);
          reject(error);
        };
        const onAbort = () => {
          hung.delete(release);
          reject(signal.reason);
        };
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        signal.addEventListener("abort", onAbort, { once: true });
        hung.add(release);
      });
    }
    // The answer came, but the caller gave up meanwhile: fetch rejects with the reason.
    if (signal.aborted) {
      await outcome.body?.cancel();
      throw signal.reason;
    }
    return outcome;
  };

  return {
    baseUrl,
    apiKey,
    tenant: sim.tenant,
    requests: sim.requests,
    errors: sim.errors,
    creates: () => sim.tenant.creates(),
    fetch: inProcessFetch as typeof fetch,
    close: () => {
      closed = true;
      for (const release of [...hung]) release(connectionClosed(baseUrl));
      return Promise.resolve();
    },
  };
}

function hex32(random: () => number): string {
  return Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, "0");
}

/** What Deno's fetch throws when nothing listens: the request never reached a server. */
function refused(url: string): TypeError {
  return new TypeError("fetch failed", {
    cause: new Error(
      `error sending request for url (${url}): client error (Connect): tcp connect error: ` +
        "Connection refused (os error 111)",
    ),
  });
}

/** What Deno's fetch throws when the server closed the connection after getting the request. */
function connectionClosed(url: string): TypeError {
  return new TypeError("fetch failed", {
    cause: new Error(
      `error sending request for url (${url}): client error (SendRequest): ` +
        "connection closed before message completed",
    ),
  });
}
