import { UsageError } from "./errors.ts";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const isDuration = (text: string) => DURATION.test(text);

/** The longest duration accepted: 7 days, well inside what a timer can wait (about 24.8 days). */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;

/**
 * Parses `500ms`, `30s`, `10m`, `2h` or a bare number of seconds into milliseconds.
 * Throws a UsageError naming `what` when the text is not a positive duration of at most 7 days.
 */
export function parseDuration(text: string | number, what: string): number {
  let value = NaN;
  if (typeof text === "number") {
    value = text * 1000;
  } else {
    const parts = DURATION.exec(text);
    if (parts) value = Number(parts[1]) * UNITS[parts[2] ?? "s"]!;
  }
  if (
    typeof text === "string" && !isDuration(text) && /^\s*\d+(?:\.\d+)?\s*[a-z]+\s*$/i.test(text)
  ) {
    const unit = text.trim().replace(/^[\d.]+\s*/, "");
    throw new UsageError(
      `${what} has a unit tamr-refresh does not know ("${unit}"), got ${JSON.stringify(text)}`,
      { hint: "The units are ms, s, m and h (at most 7 days, 168h), e.g. 30s, 10m or 2h." },
    );
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${what} must be a positive duration, got ${JSON.stringify(text)}`, {
      hint: "Use a value such as 500ms, 30s, 10m or 2h.",
    });
  }
  if (value > MAX_DURATION_MS) {
    throw new UsageError(
      `${what} must be at most ${MAX_DURATION_MS / 3_600_000}h, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** Formats milliseconds for people: `850ms`, `12.3s`, `4m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, "0")}s`;
  const totalM = Math.floor(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, "0")}m`;
}

/** Milliseconds as the shortest duration text `parseDuration()` reads back: `2h`, `30s`, `1500ms`. */
export function durationText(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
