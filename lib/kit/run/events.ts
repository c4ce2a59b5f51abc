/**
 * A run's events, as `--output json` prints them one a line: `start`, `step`, `retry`, `warning`
 * and `finish`, each in its own file, and the words for states and outcomes (`step_state.ts`).
 */
import type { FinishEvent } from "./finish_event.ts";
import type { RetryEvent } from "./retry_event.ts";
import type { StartEvent } from "./start_event.ts";
import type { StepEvent } from "./step_event.ts";
import type { WarningEvent } from "./warning_event.ts";

export type { RunOutcome, StepOutcome, StepState } from "./step_state.ts";
export type { PlanStepSummary, StartEvent } from "./start_event.ts";
export type { StepEvent } from "./step_event.ts";
export type { RetryEvent } from "./retry_event.ts";
export type { WarningEvent } from "./warning_event.ts";
export type { FinishEvent, StepSummary } from "./finish_event.ts";

/**
 * Every event of a run, as `--output json` prints them one a line.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "@tamr-refresh/kit";
 *
 * function onEvent(e: RunEvent): void {
 *   if (e.type === "finish") Deno.exitCode = e.exitCode;
 * }
 * ```
 */
export type RunEvent = StartEvent | StepEvent | RetryEvent | WarningEvent | FinishEvent;

/**
 * Where the runner sends events; reporters and the dashboard subscribe.
 *
 * @example
 * ```ts
 * import type { Emit, RunEvent } from "@tamr-refresh/kit";
 *
 * const events: RunEvent[] = [];
 * const emit: Emit = (e) => events.push(e);
 * ```
 */
export type Emit = (event: RunEvent) => void;
