/** Small helpers the HTML report shares: escaping, times and durations as the report shows them. */
import { formatDuration } from "../../kit/duration.ts";
import type { StepOutcome } from "../../kit/run/events.ts";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML, in an element or a quoted attribute: ids and messages come from users. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-12-02 08:15:00 UTC`: an RFC 3339 time (or ms) in UTC, to the second; "?" when unreadable. */
export function utcText(time: string | number | null): string {
  const ms = typeof time === "number" ? time : Date.parse(time ?? "");
  if (!Number.isFinite(ms)) return "?";
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** A duration for people (`3m27s`), or a dash when unknown. */
export function durText(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? "–" : formatDuration(ms);
}

/** How each step outcome reads in the report: a sign (not only a colour) and words. */
export const OUTCOME_TEXT: Record<StepOutcome, { sign: string; words: string }> = {
  succeeded: { sign: "✓", words: "succeeded" },
  failed: { sign: "✗", words: "failed" },
  stopped: { sign: "■", words: "stopped" },
  timed_out: { sign: "⏱", words: "timed out" },
  skipped: { sign: "–", words: "skipped" },
  not_started: { sign: "–", words: "not started" },
  running: { sign: "▶", words: "left running" },
};

/** True for the outcomes the report marks as trouble. */
export function isTrouble(outcome: StepOutcome): boolean {
  return outcome === "failed" || outcome === "stopped" || outcome === "timed_out";
}
