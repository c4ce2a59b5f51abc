/**
 * Who watches a run: the dashboard in a terminal, else the text or NDJSON reporters; and the wait
 * for the run's end, or for the dashboard's detach.
 */
import type { RunHold } from "../../kit/run/hold.ts";
import type { RunStore } from "../../kit/run/run_state.ts";
import type { RunResult } from "../../kit/run/run_options.ts";
import type { Io } from "../io.ts";
import {
  JSON_HEARTBEAT_MS,
  progressJson,
  progressText,
  startHeartbeat,
  TEXT_HEARTBEAT_MS,
} from "../outputs/heartbeat.ts";
import { createJsonReporter } from "../outputs/json.ts";
import { createTextReporter } from "../outputs/text.ts";

/**
 * Starts the dashboard (interactive) or subscribes the reporters: NDJSON on stdout with text on
 * stderr, or text on stdout. Returns the dashboard's end (not awaited: the run starts beside it),
 * or null without one.
 */
export async function showRun(
  store: RunStore,
  controller: AbortController,
  io: Io,
  view: {
    interactive: boolean;
    output: "text" | "json";
    verbose: boolean;
    hold: RunHold & { hold(): void; release(): void };
    resumeCommand: string | undefined;
  },
): Promise<{ dashboard: Promise<{ detached: boolean }> | null }> {
  const { verbose, hold, resumeCommand } = view;
  // The HTTP lines of --verbose would be drawn over by the dashboard: plain lines instead.
  if (view.interactive && !verbose) {
    const { startDashboard } = await import("../../../tui/interactive.ts");
    return { dashboard: startDashboard(store, controller, io, { hold, resumeCommand }) };
  }
  const json = view.output === "json";
  if (json) {
    store.subscribe(createJsonReporter(io.out));
    store.subscribe(createTextReporter(io.err, { verbose }));
  } else {
    store.subscribe(createTextReporter(io.out, { verbose }));
  }
  // A line on stdout now and then: a reader that went away is noticed while the jobs run.
  startHeartbeat(store, {
    clock: io.clock,
    everyMs: json ? JSON_HEARTBEAT_MS : TEXT_HEARTBEAT_MS,
    write: io.out,
    line: json ? progressJson : progressText,
  });
  return { dashboard: null };
}

/**
 * Waits for the run (and the dashboard, when there is one) and returns the exit code. A detach
 * from the dashboard returns 0 at once with the journal on disk; the jobs go on.
 */
export async function awaitRunEnd(
  runPromise: Promise<RunResult>,
  dashboard: Promise<{ detached: boolean }> | null,
  journal: { detach(): void; flush(): Promise<void>; finish(): Promise<void> },
): Promise<number> {
  if (dashboard) {
    const outcome = await Promise.race([
      runPromise.then(() => null),
      dashboard,
    ]);
    if (outcome?.detached) {
      // The dashboard said what happens next (the jobs go on, later steps wait for --resume).
      journal.detach(); // this part of the run ends now: a --resume adds its time, not the gap
      await journal.flush();
      return 0;
    }
    await dashboard;
  }
  const result = await runPromise;
  await journal.finish();
  return result.exitCode;
}
