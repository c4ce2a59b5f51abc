import { timeOfDay } from "./outputs/time_text.ts";
import { type ClientOptions, createJobClient } from "../kit/api/client.ts";
import { requireRunSettings, resolveSettings } from "./settings/resolve.ts";
import type { RunSettings } from "./settings/types.ts";
import { UsageError } from "../kit/errors.ts";
import type { JobClient } from "../kit/api/types.ts";
import type { Io } from "./io.ts";

export interface ConnectFlags {
  tenant?: string | undefined;
  baseUrl?: string | undefined;
  config?: string | undefined;
  envFile?: string | undefined;
  requestTimeout?: string | undefined;
  verbose?: boolean | undefined;
}

/**
 * The job client for resolved settings, over the Io's fetch and clock. With `verbose`, one line per
 * HTTP exchange goes to stderr (the client keeps the key out of what it reports).
 */
export function clientFor(
  run: Pick<RunSettings, "baseUrl" | "apiKey" | "requestTimeoutMs">,
  io: Io,
  options: { verbose: boolean; onRetry?: ClientOptions["onRetry"] },
): JobClient {
  return createJobClient({
    baseUrl: run.baseUrl,
    apiKey: run.apiKey,
    fetch: io.fetch,
    createFetch: io.createFetch,
    clock: io.clock,
    requestTimeoutMs: run.requestTimeoutMs,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.verbose
      ? {
        onExchange: (x) =>
          io.err(
            `${timeOfDay(io.clock.now())} http ${x.method} ${x.path} ${x.status ?? "-"} ${
              Math.round(x.durationMs)
            }ms attempt ${x.attempt}${x.error ? ` (${x.error})` : ""}\n`,
          ),
      }
      : {}),
  });
}

/** A job client for the tenant named by flags, environment and config file (for `jobs ...`). */
export async function connect(
  flags: ConnectFlags,
  io: Io,
): Promise<{ client: JobClient; tenant: string; baseUrl: string }> {
  const s = await resolveSettings(flags, io);
  if (s.apiKey) io.secrets.add(s.apiKey);
  if (s.baseUrl === undefined || s.tenant === undefined) {
    throw new UsageError("No tenant given", {
      hint: "Pass --tenant NAME or --base-url URL, or set TAMR_TENANT.",
    });
  }
  const run = requireRunSettings({ ...s, sources: ["-"], dataProduct: "-" });
  return {
    client: clientFor(run, io, { verbose: flags.verbose === true }),
    tenant: run.tenant,
    baseUrl: run.baseUrl,
  };
}
