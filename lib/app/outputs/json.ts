/**
 * `--output json`: each event as one line of JSON (NDJSON), and, between them, an `eta` line when
 * the run's expected end is first known and when it moved a lot (see eta_notes.ts):
 * `{"type":"eta","time":…,"endsAt":…,"remainingMs":…,"lowerBound":false,"unknownSteps":0}`.
 */
import type { RunEvent } from "../../kit/run/events.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import { etaNotes } from "./eta_notes.ts";

/** Writes each event as one line of JSON (NDJSON), and the `eta` lines. */
export function createJsonReporter(
  write: (text: string) => void,
): (event: RunEvent, state: RunState) => void {
  const eta = etaNotes();
  return (event, state) => {
    write(JSON.stringify(event) + "\n");
    const end = eta(event, state);
    if (end === null || end.endsAt === null) return;
    write(
      JSON.stringify({
        type: "eta",
        time: event.time,
        endsAt: new Date(end.endsAt).toISOString(),
        remainingMs: end.remainingMs,
        lowerBound: end.lowerBound,
        unknownSteps: end.unknownSteps,
      }) + "\n",
    );
  };
}
