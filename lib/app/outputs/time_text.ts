/** Times for people, one style everywhere: the local time of day, and a local date and time. */

const pad = (n: number) => String(n).padStart(2, "0");

/** `14:03:07`: the local time of day of `ms` (ms since the epoch). */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `2026-12-02 14:03:07`: the local date and time of an RFC 3339 time, or the text as it was. */
export function dateTime(rfc3339: string | undefined): string {
  const ms = Date.parse(rfc3339 ?? "");
  if (!Number.isFinite(ms)) return rfc3339 ?? "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${timeOfDay(ms)}`;
}
