import type { RunEvent } from "../../kit/run/events.ts";

/** Writes each event as one line of JSON (NDJSON), for `--output json`. */
export function createJsonReporter(write: (text: string) => void): (event: RunEvent) => void {
  return (event) => write(JSON.stringify(event) + "\n");
}
