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
export { createJobClient } from "./kit/api/client.ts";
export type { ClientOptions } from "./kit/api/client.ts";
export type { RetryPolicy } from "./kit/api/retry.ts";
export { waitForJob } from "./kit/job/poller.ts";
export type { WaitOptions } from "./kit/job/poller.ts";
export {
  pollJob,
  refreshDataProduct,
  refreshOutput,
  refreshSearchIndex,
  refreshSource,
} from "./kit/job/walkthrough.ts";
export type { WalkthroughOptions } from "./kit/job/walkthrough.ts";
export { runPipeline } from "./kit/run/runner.ts";
export type { PriorStep, RunOptions, RunResult } from "./kit/run/runner.ts";
export { buildPlan } from "./kit/run/plan.ts";
export type { Plan, PlanInput, PlanStep, StepKind } from "./kit/run/plan.ts";
export { createEventBus } from "./kit/run/event_bus.ts";
export type { EventBus } from "./kit/run/event_bus.ts";
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
} from "./kit/run/events.ts";
export { initialViewState, reduce } from "./kit/run/run_state.ts";
export type { Notice, StepView, ViewState } from "./kit/run/run_state.ts";
export {
  ApiError,
  exitCodeFor,
  InterruptedError,
  JobFailedError,
  JobTimeoutError,
  UsageError,
} from "./kit/errors.ts";
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
} from "./kit/api/types.ts";
export type { Clock } from "./kit/clock.ts";
