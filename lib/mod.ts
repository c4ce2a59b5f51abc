/**
 * tamr-refresh's kit: the Tamr Jobs API client, the poller, the pipeline runner and the
 * walkthrough's functions, typed.
 *
 * @example Refresh one source and wait for it
 * ```ts
 * import { createJobClient, refreshSource } from "./mod.ts";
 *
 * export async function refreshOne(apiKey: string): Promise<string> {
 *   const client = createJobClient({ baseUrl: "https://acme.tamr.cloud", apiKey });
 *   return await refreshSource(client, "src_crm");
 * }
 * ```
 *
 * @module
 */
export { createJobClient } from "./client.ts";
export type { ClientOptions } from "./client.ts";
export type { RetryPolicy } from "./retry.ts";
export { waitForJob } from "./poller.ts";
export type { WaitOptions } from "./poller.ts";
export {
  pollJob,
  refreshDataProduct,
  refreshOutput,
  refreshSearchIndex,
  refreshSource,
} from "./walkthrough.ts";
export type { WalkthroughOptions } from "./walkthrough.ts";
export { runPipeline } from "./runner.ts";
export type { PriorStep, RunOptions, RunResult } from "./runner.ts";
export { buildPlan } from "./plan.ts";
export type { Plan, PlanInput, PlanStep, StepKind } from "./plan.ts";
export { createEventBus } from "./event_bus.ts";
export type { EventBus } from "./event_bus.ts";
export type {
  Emit,
  FinishEvent,
  PlanStepSummary,
  RetryEvent,
  RunEvent,
  RunOutcome,
  StartEvent,
  StepEvent,
  StepOutcome,
  StepState,
  StepSummary,
  WarningEvent,
} from "./events.ts";
export { initialViewState, reduce } from "./view_state.ts";
export type { Notice, StepView, ViewState } from "./view_state.ts";
export {
  ApiError,
  exitCodeFor,
  InterruptedError,
  JobFailedError,
  JobTimeoutError,
  UsageError,
} from "./errors.ts";
export type {
  ExchangeInfo,
  Job,
  JobClient,
  JobConfiguration,
  JobError,
  JobState,
  JobStatus,
  KnownJobState,
  RequestOptions,
  RetryInfo,
  StatusHistoryEntry,
} from "./types.ts";
export type { Clock } from "./clock.ts";
