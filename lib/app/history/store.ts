/**
 * The plan's history file, beside its journal (`j.json` → `j.history.jsonl`): one finished run a
 * line, oldest first, at most HISTORY_LIMIT runs (older ones are dropped when it is rewritten).
 */
import type { Io } from "../io.ts";
import type { RunRecord } from "./record.ts";

/** How many runs a history keeps. */
export const HISTORY_LIMIT = 100;
/** Past this many lines, an append rewrites the file with the newest HISTORY_LIMIT. */
const REWRITE_AT = 120;

/** The history file of the journal at `journalPath`. */
export function historyPathOf(journalPath: string): string {
  return journalPath.endsWith(".json")
    ? `${journalPath.slice(0, -5)}.history.jsonl`
    : `${journalPath}.history.jsonl`;
}

/** What a history file holds: its runs, newest first, and how many lines could not be read. */
export interface History {
  runs: RunRecord[];
  /** Lines that were not a run record (a torn last line, a hand edit): left out. */
  skipped: number;
}

/** Reads the history at `path`; none (no file) is an empty history. */
export async function readHistory(
  path: string,
  io: Pick<Io, "readTextFile" | "exists">,
): Promise<History> {
  if (!(await io.exists(path))) return { runs: [], skipped: 0 };
  return parseHistory(await io.readTextFile(path));
}

/** The runs of a history file's text, newest first: at most HISTORY_LIMIT of them. */
export function parseHistory(text: string): History {
  const runs: RunRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line);
      if (isRunRecord(r)) runs.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  runs.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  return { runs: runs.slice(0, HISTORY_LIMIT), skipped };
}

function isRunRecord(r: unknown): r is RunRecord {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  return o.version === 1 && typeof o.runId === "string" && typeof o.startedAt === "string" &&
    Number.isFinite(Date.parse(o.startedAt)) && typeof o.outcome === "string" &&
    typeof o.durationMs === "number" && Array.isArray(o.timeline) &&
    (o.steps === undefined || Array.isArray(o.steps));
}

/**
 * Adds a finished run to the history at `path`, or replaces the one with its run id (a run
 * continued by `--resume` stays one record); keeps the newest HISTORY_LIMIT.
 */
export async function appendRun(
  path: string,
  record: RunRecord,
  io: Pick<Io, "readTextFile" | "writeTextFile" | "appendTextFile" | "exists">,
): Promise<void> {
  const text = (await io.exists(path)) ? await io.readTextFile(path) : "";
  const lines = text.split("\n").filter((l) => l.trim() !== "").length;
  const { runs } = parseHistory(text);
  if (!runs.some((r) => r.runId === record.runId) && lines + 1 <= REWRITE_AT) {
    // A line torn by a crash is ended first, so the new run is a line of its own.
    const line = (text === "" || text.endsWith("\n") ? "" : "\n") + JSON.stringify(record) + "\n";
    await io.appendTextFile(path, line);
    return;
  }
  const others = runs.filter((r) => r.runId !== record.runId);
  const kept = [record, ...others]
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, HISTORY_LIMIT).reverse();
  await io.writeTextFile(path, kept.map((r) => JSON.stringify(r)).join("\n") + "\n");
}
