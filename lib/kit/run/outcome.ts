/**
 * How a run ended and the exit code each ending gets: the contract's table, owned here and read by
 * the runner, `exitCodeFor()` and every command.
 */
import type { RunOutcome } from "./events.ts";
import { ApiError } from "../errors.ts";
import { jobsLeftRunning } from "./stop_in_flight.ts";
import type { RunState } from "./run_state.ts";

/**
 * The contract's exit codes, by what ended the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT_CODES } from "@tamr-refresh/kit";
 *
 * assert.equal(EXIT_CODES.timedOut, 3);
 * assert.equal(EXIT_CODES.SIGTERM, 143);
 * ```
 */
export const EXIT_CODES = {
  /** Every step succeeded (or a dry run printed its plan). */
  succeeded: 0,
  /** A job failed or was stopped by someone else; also an unexpected failure. */
  failed: 1,
  /** Usage or config error: nothing was created. */
  usage: 2,
  /** A job ran past `--timeout`. */
  timedOut: 3,
  /** The API refused us, or could not be reached. */
  api: 4,
  /** Another run holds this run's journal. */
  locked: 5,
  /** Interrupted: 128 + the signal's number. */
  SIGHUP: 129,
  SIGINT: 130,
  SIGPIPE: 141,
  SIGTERM: 143,
} as const;

/**
 * What interrupts a run: a signal, or SIGPIPE when its output's reader went away.
 *
 * @example
 * ```ts
 * import { EXIT_CODES, type InterruptSignal } from "@tamr-refresh/kit";
 *
 * const codeOf = (s: InterruptSignal) => EXIT_CODES[s];
 * ```
 */
export type InterruptSignal = "SIGHUP" | "SIGINT" | "SIGPIPE" | "SIGTERM";

/**
 * What ended a run early, besides its steps: an interrupt, or an error outside any job's outcome.
 *
 * @example
 * ```ts
 * import type { RunEnding } from "@tamr-refresh/kit";
 *
 * const refused: RunEnding = { error: { api: true } };
 * ```
 */
export interface RunEnding {
  /** The signal that interrupted the run, when one did. */
  interrupt?: InterruptSignal | undefined;
  /** The first error that ended a step without a job outcome (an API refusal, a bug). */
  error?: { api: boolean } | undefined;
}

/**
 * The run's outcome and exit code from its state: an interrupt first, then an error, then a
 * timeout, then a failure; success only when every step succeeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents, runOutcomeOf } from "@tamr-refresh/kit";
 *
 * const state = foldEvents([]);
 * assert.deepEqual(runOutcomeOf(state, { interrupt: "SIGTERM" }), {
 *   outcome: "interrupted",
 *   exitCode: 143,
 * });
 * ```
 */
export function runOutcomeOf(
  state: RunState,
  ending: RunEnding = {},
): { outcome: RunOutcome; exitCode: number } {
  if (ending.interrupt) return { outcome: "interrupted", exitCode: EXIT_CODES[ending.interrupt] };
  if (ending.error) {
    return { outcome: "error", exitCode: ending.error.api ? EXIT_CODES.api : EXIT_CODES.failed };
  }
  if (state.counts.timed_out > 0) return { outcome: "timed_out", exitCode: EXIT_CODES.timedOut };
  if (state.counts.failed > 0 || state.counts.stopped > 0) {
    return { outcome: "failed", exitCode: EXIT_CODES.failed };
  }
  if (state.counts.succeeded === state.steps.length) {
    return { outcome: "succeeded", exitCode: EXIT_CODES.succeeded };
  }
  // Steps neither succeeded nor failed (skipped without a failure, or never started): not a success.
  return { outcome: "failed", exitCode: EXIT_CODES.failed };
}

/** What to check after an API error: the key, or the base URL. */
function checkHint(error: Error | null): string {
  if (!(error instanceof ApiError)) return "";
  if (error.status === 401 || error.status === 403) {
    return " Check TAMR_API_KEY: Tamr refused the key.";
  }
  if (error.status === null) return " Check --base-url (or TAMR_BASE_URL) and the network.";
  return "";
}

/** Why the run ended this way, as a sentence, naming the jobs that may still be running. */
export function describeRun(
  outcome: RunOutcome,
  state: RunState,
  error: Error | null,
  reason: unknown,
): string {
  const left = jobsLeftRunning(state);
  const leftText = left.length === 0
    ? ""
    : ` Left running on Tamr: ${
      left.map((s) => `${s.jobId} (${s.id}${s.otherRun ? ", another run's" : ""})`).join(", ")
    }.`;
  return whyItEnded(outcome, state, error, reason) + leftText;
}

function whyItEnded(
  outcome: RunOutcome,
  state: RunState,
  error: Error | null,
  reason: unknown,
): string {
  const steps = state.steps;
  switch (outcome) {
    case "succeeded":
      return `All ${steps.length} steps succeeded.`;
    case "interrupted": {
      const stopped = state.counts.stopped;
      const left = jobsLeftRunning(state).length;
      const parts = [
        ...(stopped > 0 ? [`${stopped} job${stopped === 1 ? " was" : "s were"} stopped`] : []),
        ...(left > 0 ? [`${left} job${left === 1 ? " was" : "s were"} left running`] : []),
      ];
      return `${reason instanceof Error ? reason.message : "Interrupted"}${
        parts.length > 0 ? `: ${parts.join(", ")}` : ""
      }.`;
    }
    case "error":
      return (error?.message ?? "The Tamr API refused a request.") + checkHint(error);
    case "timed_out":
    case "failed": {
      const failed = steps.filter((s) =>
        s.state === "failed" || s.state === "stopped" || s.state === "timed_out"
      );
      return failed.length > 0
        ? `${failed.map((s) => `${s.id} ${s.state.replace("_", " ")}`).join(", ")}.`
        : "A step did not succeed.";
    }
  }
}
