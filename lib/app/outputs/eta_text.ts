/**
 * The expected end and expected durations in words, one style for the dashboard and the text
 * output: `~14:32 (in 12m)`, `~5m`. Rounded on purpose: an estimate shown to the second reads as
 * more certain than it is; but an end a few minutes away is shown to the second
 * (`~14:32:05 (in 3m05s)`), or the minute would be most of what is left.
 */
import type { RunEta } from "../../kit/run/eta.ts";
import { timeOfDay } from "./time_text.ts";

/** An end less than this far away is shown to the second. */
export const NEAR_END_MS = 10 * 60_000;

const pad = (n: number) => String(n).padStart(2, "0");

/** `14:32`: the local time of day of `ms`, to the minute. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A duration rounded for an estimate: `45s`, `12m`, `1h05m`. */
export function roughDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h${pad(m % 60)}m`;
}

/** `~5m`: how long a step usually takes. */
export function expectedText(expectedMs: number): string {
  return `~${roughDuration(expectedMs)}`;
}

/** A duration to the second: `45s`, `3m05s`. */
function secondsDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${pad(s % 60)}s`;
}

/**
 * The expected end: `~14:32 (in 12m)`, or for a lower bound `after ~14:32 (12m+)`; less than
 * NEAR_END_MS away, to the second: `~14:22:05 (in 3m05s)`. `short` leaves out the part in
 * parentheses. Null when the end is unknown, or when nothing left takes time (the run is ending).
 */
export function endText(eta: RunEta, options: { short?: boolean } = {}): string | null {
  if (eta.endsAt === null || eta.remainingMs === null || eta.remainingMs <= 0) return null;
  const near = eta.remainingMs < NEAR_END_MS;
  const time = near
    ? timeOfDay(Math.round(eta.endsAt / 1000) * 1000)
    : clockTime(Math.round(eta.endsAt / 60_000) * 60_000); // the nearest minute, not the last
  const when = `${eta.lowerBound ? "after " : ""}~${time}`;
  if (options.short) return when;
  const duration = near ? secondsDuration(eta.remainingMs) : roughDuration(eta.remainingMs);
  return `${when} (${eta.lowerBound ? `${duration}+` : `in ${duration}`})`;
}
