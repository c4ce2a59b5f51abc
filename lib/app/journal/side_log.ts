/**
 * The run journal's side log, `<journal>.ids`: one short JSON line per new job id, appended and
 * flushed to disk at once, while the whole journal is rewritten at its own pace. The lines are
 * numbered, and the journal says up to which number it holds them (`idsThrough`): reading a
 * journal merges the lines after that, in order, so a line the journal already holds (a crash
 * between a rewrite and the side log's trimming) changes nothing, and merging twice is merging once.
 */
import type { JournalData } from "./journal.ts";

/** One line of the side log: the journal's `n`th new job id, `jobId` for `step`, at `at`. */
export interface SideLogLine {
  n: number;
  step: string;
  jobId: string;
  /** When the step got it (the event's time). */
  at: string;
}

/** The side log of the journal at `path`. */
export function sideLogPathOf(path: string): string {
  return `${path}.ids`;
}

/** Lines as the side log holds them: one JSON object each, each ending with a newline. */
export function sideLogText(lines: readonly SideLogLine[]): string {
  let text = "";
  for (const { n, step, jobId, at } of lines) text += JSON.stringify({ n, step, jobId, at }) + "\n";
  return text;
}

/**
 * The lines of a side log, in the order written. A line that is not a whole one is skipped: an
 * append a crash cut short leaves one at the end (a failed append makes the writer rewrite the
 * side log whole, so nothing follows it). Losing a line loses no job: `--resume` looks up a step
 * whose job id it lacks by its configuration before creating anything.
 */
export function parseSideLog(text: string): SideLogLine[] {
  const lines: SideLogLine[] = [];
  for (const raw of text.split("\n")) {
    const line = lineOf(raw);
    if (line) lines.push(line);
  }
  return lines;
}

function lineOf(raw: string): SideLogLine | null {
  if (raw.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    if (e instanceof SyntaxError) return null; // cut short
    throw e;
  }
  if (typeof value !== "object" || value === null) return null;
  const { n, step, jobId, at } = value as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === "string" && v !== "";
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 && text(step) &&
      text(jobId) && text(at) && Number.isFinite(Date.parse(at))
    ? { n, step, jobId, at }
    : null;
}

/**
 * The journal with the side log's lines it does not hold yet (numbered after its `idsThrough`)
 * folded in, in order: each names the step's job from then on, so what the journal said of an
 * earlier job of that step (its outcome, its end) goes. Returns `journal` itself when there is
 * nothing newer.
 */
export function mergeSideLog(journal: JournalData, lines: readonly SideLogLine[]): JournalData {
  const newer = lines.filter((l) => l.n > (journal.idsThrough ?? 0)).sort((a, b) => a.n - b.n);
  if (newer.length === 0) return journal;
  const steps = { ...journal.steps };
  let updatedAt = journal.updatedAt;
  for (const { step, jobId, at } of newer) {
    const startedAt = steps[step]?.startedAt;
    steps[step] = { jobId, ...(startedAt ? { startedAt } : {}) };
    if (Date.parse(at) > Date.parse(updatedAt)) updatedAt = at;
  }
  return { ...journal, steps, updatedAt, idsThrough: newer.at(-1)!.n };
}
