import { createJobClient } from "../client.ts";
import { requireRunSettings, resolveSettings } from "../config.ts";
import { UsageError } from "../errors.ts";
import type { JobClient } from "../types.ts";
import type { Io } from "./io.ts";

export interface ConnectFlags {
  tenant?: string | undefined;
  baseUrl?: string | undefined;
  config?: string | undefined;
  envFile?: string | undefined;
  requestTimeout?: string | undefined;
  verbose?: boolean | undefined;
}

/** A job client for the tenant named by flags, environment and config file (for `jobs ...`). */
export async function connect(
  flags: ConnectFlags,
  io: Io,
): Promise<{ client: JobClient; tenant: string; baseUrl: string }> {
  const s = await resolveSettings(flags, {
    env: io.env,
    readTextFile: io.readTextFile,
    exists: io.exists,
  });
  if (s.apiKey) io.secrets.add(s.apiKey);
  if (s.baseUrl === undefined || s.tenant === undefined) {
    throw new UsageError("No tenant given", {
      hint: "Pass --tenant NAME or --base-url URL, or set TAMR_TENANT.",
    });
  }
  const run = requireRunSettings({ ...s, sources: ["-"], dataProduct: "-" });
  return {
    client: createJobClient({
      baseUrl: run.baseUrl,
      apiKey: run.apiKey,
      fetch: io.fetch,
      createFetch: io.createFetch,
      clock: io.clock,
      requestTimeoutMs: run.requestTimeoutMs,
    }),
    tenant: run.tenant,
    baseUrl: run.baseUrl,
  };
}
