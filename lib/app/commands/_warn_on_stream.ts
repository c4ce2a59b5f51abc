/** The application's warnings as events on the run's stream. */
import type { RunStore } from "../../kit/run/run_state.ts";
import type { Io } from "../io.ts";

/**
 * Warnings of the application (the journal, the end reports) as `warning` events on the run's
 * stream, so NDJSON readers and the dashboard see them; one raised before the run's `start` event
 * (opening the journal) waits for it.
 */
export function warnOnStream(store: RunStore, io: Io): (message: string) => void {
  const early: string[] = [];
  const emit = (message: string) =>
    store.emit({ type: "warning", time: new Date(io.clock.now()).toISOString(), message });
  const off = store.subscribe((e) => {
    if (e.type !== "start") return;
    off();
    for (const message of early.splice(0)) emit(message);
  });
  return (message) => store.state.startedAt === null ? early.push(message) : emit(message);
}
