/**
 * A line now and then while nothing happens (plain lines and NDJSON, never the dashboard): what
 * is running and how far the run is. A log that stays silent for the twenty minutes of a data
 * product looks hung (and some CI systems end jobs that print nothing for ten), and a reader of stdout
 * that went away (`| head`) is only noticed when something is written: this line is what notices
 * it, so the jobs are stopped then rather than when they end.
 */
import type { Clock } from "../../kit/clock.ts";
import type { RunState, RunStore } from "../../kit/run/run_state.ts";
import { progress } from "../../kit/run/summary.ts";
import { timeOfDay } from "./time_text.ts";

/** NDJSON: a `progress` line at most this long after the last line. */
export const JSON_HEARTBEAT_MS = 60_000;
/** Plain lines: a `still running` line at most this long after the last line. */
export const TEXT_HEARTBEAT_MS = 5 * 60_000;

/**
 * From the run's `start` to its `finish`, writes `line(state, now)` whenever `everyMs` passed
 * without an event. Returns a function that stops it sooner. Its clock's sleeps must take time
 * (real or virtual): a clock that ends every sleep at once and moves its time on would have it
 * write without end.
 */
export function startHeartbeat(
  store: RunStore,
  o: {
    clock: Clock;
    everyMs: number;
    write: (text: string) => void;
    line: (state: RunState, now: number) => string;
  },
): () => void {
  const stop = new AbortController();
  let last = o.clock.now();
  let beating = false;
  const unsubscribe = store.subscribe((event) => {
    last = o.clock.now();
    if (event.type === "finish") stop.abort();
    else if (event.type === "start" && !beating) {
      beating = true;
      beat().catch(() => {}).finally(unsubscribe); // rejected once stopped
    }
  });
  const beat = async () => {
    while (!stop.signal.aborted) {
      const before = o.clock.now();
      const wait = Math.max(0, last + o.everyMs - before);
      await o.clock.sleep(wait, stop.signal);
      // A clock whose sleeps take no time (a test's): there is no "meanwhile" to beat in.
      if (wait > 0 && o.clock.now() === before) return;
      if (o.clock.now() - last < o.everyMs) continue; // an event came meanwhile
      last = o.clock.now();
      o.write(o.line(store.state, last));
    }
  };
  return () => {
    stop.abort();
    if (!beating) unsubscribe();
  };
}

/** `{"type":"progress",…}`: the steps running and how many of all have ended. */
export function progressJson(state: RunState, now: number): string {
  const { done, total } = progress(state);
  return JSON.stringify({
    type: "progress",
    time: new Date(now).toISOString(),
    running: runningSteps(state),
    ended: done,
    steps: total,
  }) + "\n";
}

/** `14:05:00 still running: update:dp (5 of 12 steps ended)`. */
export function progressText(state: RunState, now: number): string {
  const running = runningSteps(state);
  const shown = running.length > 3
    ? `${running.slice(0, 3).join(", ")} and ${running.length - 3} more`
    : running.join(", ") || "waiting for a slot";
  const { done, total } = progress(state);
  return `${timeOfDay(now)} still running: ${shown} (${done} of ${total} steps ended)\n`;
}

function runningSteps(state: RunState): string[] {
  return state.steps
    .filter((s) => s.state === "running" || s.state === "stopping" || s.state === "creating")
    .map((s) => s.id);
}
