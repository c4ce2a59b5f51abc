/** Two durations as text precise enough to tell apart ("10.4s" and "9.9s", not "10s" and "10s"). */
import { formatDuration } from "./duration.ts";

/** `ms` as hours, minutes and seconds with `decimals` digits after the seconds: `4m05.3s`. */
function secondsText(ms: number, decimals: number): string {
  const unit = 10 ** decimals;
  const total = Math.round((ms / 1000) * unit) / unit;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total - h * 3600) / 60);
  const s = (total - h * 3600 - m * 60).toFixed(decimals);
  const padded = h > 0 || m > 0 ? s.padStart(decimals > 0 ? 3 + decimals : 2, "0") : s;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m${padded}s`;
  if (m > 0) return `${m}m${padded}s`;
  return `${padded}s`;
}

/** The value `formatDuration(ms)` shows, in ms (`9960` shows as `10.0s`: 10000). */
function shownMs(ms: number): number {
  if (ms < 1000) return Math.round(ms);
  if (ms < 10_000) return Math.round(ms / 100) * 100;
  if (ms < 60_000) return Math.floor(ms / 1000) * 1000;
  if (ms < 3_600_000) return Math.round(ms / 1000) * 1000;
  return Math.floor(Math.round(ms / 1000) / 60) * 60_000;
}

/**
 * `a` and `b` as `formatDuration()` writes them, or, when that shows them as the same value while
 * they differ (`10s` and `10.0s`), both with as many decimals of a second as it takes (at most 3).
 */
export function durationsApart(a: number, b: number): [string, string] {
  const plain: [string, string] = [formatDuration(a), formatDuration(b)];
  if (shownMs(a) !== shownMs(b) || a === b) return plain;
  for (const decimals of [0, 1, 2, 3]) {
    const pair: [string, string] = [secondsText(a, decimals), secondsText(b, decimals)];
    if (pair[0] !== pair[1]) return pair;
  }
  return plain;
}
