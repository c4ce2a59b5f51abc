/**
 * The IDs a tenant's recent jobs mention. Tamr's API lists neither sources nor data products, so
 * recent jobs are the only API-side record of which IDs exist: the prompts offer them as choices.
 */
import type { Job } from "../lib/kit/api/types.ts";

/** How the latest job that named an id ended. */
export type SeenOutcome =
  | { kind: "succeeded" }
  | { kind: "failed"; reason: string }
  | { kind: "running"; state: string };

/** One id seen in recent jobs, with its latest job. */
export interface SeenId {
  id: string;
  /** When its latest job last changed state (RFC 3339), when Tamr said. */
  lastRun: string | undefined;
  outcome: SeenOutcome;
  /** The latest job that named it. */
  jobId: string;
}

/** Seen ids per kind, each list newest first and without repeats. */
export interface RecentIds {
  sources: SeenId[];
  dataProducts: SeenId[];
  workflows: SeenId[];
  destinations: SeenId[];
}

/**
 * Collects the ids named by `jobs` (newest first, as `GET /jobs` answers): sources from
 * `load.sourceId`, data products from `update.dataProductId`, workflows from `update.workflowId`,
 * destinations from `publish.destinationId`. Each id appears once, with its newest job. Jobs of a
 * shape this does not know are skipped.
 */
export function recentIds(jobs: readonly Job[]): RecentIds {
  const out: RecentIds = { sources: [], dataProducts: [], workflows: [], destinations: [] };
  const seen = {
    sources: new Set<string>(),
    dataProducts: new Set<string>(),
    workflows: new Set<string>(),
    destinations: new Set<string>(),
  };
  for (const job of jobs) {
    const named = namedId(job);
    if (!named || seen[named.kind].has(named.id)) continue;
    seen[named.kind].add(named.id);
    out[named.kind].push({
      id: named.id,
      lastRun: lastRunOf(job),
      outcome: outcomeOf(job),
      jobId: String(job.jobId),
    });
  }
  return out;
}

/** A choice label: `crm_accounts  (last run 2h ago, succeeded)`. */
export function describeSeenId(seen: SeenId, nowMs: number): string {
  const outcome = seen.outcome.kind === "failed"
    ? `failed: ${seen.outcome.reason}`
    : seen.outcome.kind;
  const when = seen.lastRun === undefined ? undefined : Date.parse(seen.lastRun);
  const details = when === undefined || Number.isNaN(when)
    ? outcome
    : `last run ${formatAgo(nowMs - when)}, ${outcome}`;
  return `${seen.id}  (${details})`;
}

/** `just now`, `45s ago`, `12m ago`, `2h ago`, `3d ago`. A time in the future reads `just now`. */
export function formatAgo(elapsedMs: number): string {
  const s = Math.floor(elapsedMs / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

type Kind = keyof RecentIds;

function namedId(job: Job): { kind: Kind; id: string } | undefined {
  const config: unknown = job?.configuration;
  if (!isRecord(config)) return undefined;
  const load = config["load"];
  if (isRecord(load) && isId(load["sourceId"])) return { kind: "sources", id: load["sourceId"] };
  const update = config["update"];
  if (isRecord(update)) {
    if (isId(update["dataProductId"])) return { kind: "dataProducts", id: update["dataProductId"] };
    if (isId(update["workflowId"])) return { kind: "workflows", id: update["workflowId"] };
  }
  const publish = config["publish"];
  if (isRecord(publish) && isId(publish["destinationId"])) {
    return { kind: "destinations", id: publish["destinationId"] };
  }
  return undefined;
}

function lastRunOf(job: Job): string | undefined {
  const current = job.status?.stateStartTime;
  if (typeof current === "string" && current !== "") return current;
  const first = Array.isArray(job.statusHistory) ? job.statusHistory[0]?.stateStartTime : undefined;
  return typeof first === "string" && first !== "" ? first : undefined;
}

function outcomeOf(job: Job): SeenOutcome {
  const state = String(job.status?.state ?? "STATE_UNSPECIFIED");
  if (state !== "DONE") return { kind: "running", state };
  const error = job.status?.error;
  if (error) return { kind: "failed", reason: String(error.reason || "UNKNOWN_REASON") };
  return { kind: "succeeded" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
