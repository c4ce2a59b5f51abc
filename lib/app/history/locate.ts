/**
 * Where a plan's history is, from the same flags as `run`: `--state FILE` (the journal) names it
 * directly; otherwise the tenant (or base URL) and the data product, from flags, the environment
 * (`TAMR_TENANT`, `TAMR_BASE_URL`), an env file or the config file, give the default journal path.
 * No API key is needed: nothing is asked of the tenant.
 */
import { UsageError } from "../../kit/errors.ts";
import { journalPath } from "../journal/file.ts";
import { resolveSettings } from "../settings/resolve.ts";
import type { ConfigIo } from "../settings/types.ts";
import { historyPathOf } from "./store.ts";

/** The flags `history` and `report` take to find a plan, as commander hands them over. */
export interface LocateFlags {
  config?: string | undefined;
  tenant?: string | undefined;
  baseUrl?: string | undefined;
  dataProduct?: string | undefined;
  state?: string | undefined;
  envFile?: string | undefined;
}

/** A plan's files: its run journal and its history beside it. */
export interface PlanFiles {
  /** The run journal (`--state`, or the default path for the base URL and data product). */
  journalPath: string;
  /** The history file beside it (`j.json` → `j.history.jsonl`). */
  historyPath: string;
  /** The tenant and data product when they were given (not with `--state` alone). */
  tenant?: string;
  baseUrl?: string;
  dataProduct?: string;
}

/**
 * The journal and history paths of the plan the flags name. `--state FILE` wins and needs nothing
 * else (no settings are read then). Otherwise a missing tenant or data product is a UsageError
 * naming what to give.
 */
export async function locatePlan(flags: LocateFlags, io: ConfigIo): Promise<PlanFiles> {
  if (flags.state !== undefined && flags.state !== "") {
    return { journalPath: flags.state, historyPath: historyPathOf(flags.state) };
  }
  const s = await resolveSettings(flags, io);
  if (s.baseUrl === undefined || s.tenant === undefined) {
    throw new UsageError("No tenant given: cannot tell which plan's history to read", {
      hint: 'Pass --tenant NAME or --base-url URL, set TAMR_TENANT, add "tenant" to the config ' +
        "file, or pass --state FILE (the run's journal).",
    });
  }
  if (s.dataProduct === undefined) {
    throw new UsageError("No data product given: cannot tell which plan's history to read", {
      hint: 'Pass --data-product ID, add "dataProduct" to the config file, or pass --state FILE ' +
        "(the run's journal).",
    });
  }
  const path = journalPath({}, io.env, s.baseUrl, s.dataProduct);
  return {
    journalPath: path,
    historyPath: historyPathOf(path),
    tenant: s.tenant,
    baseUrl: s.baseUrl,
    dataProduct: s.dataProduct,
  };
}
