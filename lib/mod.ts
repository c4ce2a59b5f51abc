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
export type { PollRetry, RetryPolicy } from "./kit/api/retry.ts";
export { waitForJob } from "./kit/job/poller.ts";
export type { ExpectedEnd, WaitOptions } from "./kit/job/poller.ts";
export { sharedPolls } from "./kit/job/shared_polls.ts";
export type { SharedPolls, SharedPollsOptions, SharedWait } from "./kit/job/shared_polls.ts";
export {
  pollJob,
  refreshDataProduct,
  refreshOutput,
  refreshSearchIndex,
  refreshSource,
} from "./kit/job/walkthrough.ts";
export type { WalkthroughOptions } from "./kit/job/walkthrough.ts";
export { ASSUMED_SKEW_MS, TenantClock } from "./kit/job/tenant_clock.ts";
export type { OffsetRange } from "./kit/job/tenant_clock.ts";
export { runPipeline } from "./kit/run/runner.ts";
export type { PriorStep, RunOptions, RunResult } from "./kit/run/runner.ts";
export { stopAndConfirm } from "./kit/job/stop.ts";
export type { StopOptions, StopResult } from "./kit/job/stop.ts";
export { nextMoves } from "./kit/run/scheduler.ts";
export { createHold } from "./kit/run/hold.ts";
export type { RunHold } from "./kit/run/hold.ts";
export type { KindLimits, Moves } from "./kit/run/scheduler.ts";
export { EXIT_CODES, runOutcomeOf } from "./kit/run/outcome.ts";
export type { InterruptSignal, RunEnding } from "./kit/run/outcome.ts";
export { buildPlan } from "./kit/run/plan.ts";
export type { Plan, PlanInput, PlanStep, StepKind } from "./kit/run/plan.ts";
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
export { foldStep, isFinalState, newStepView } from "./kit/run/run_state.ts";
export { createRunStore, foldEvents } from "./kit/run/run_store.ts";
export { progress, runTimeMs, summarize } from "./kit/run/summary.ts";
export { type TimelineEntry, timelineOf } from "./kit/run/timeline.ts";
export { type EtaOptions, remainingOf, type RunEta, runEta } from "./kit/run/eta.ts";
export { isSlowerThanUsual, slowAfterMs } from "./kit/run/slower_than_usual.ts";
export { type DurationStats, durationStats } from "./kit/history/duration_stats.ts";
export { learnDurations, type LearnOptions } from "./kit/history/learn.ts";
export { type JobPhases, jobPhases } from "./kit/job/job_times.ts";
export type { Notice, RunListener, RunState, RunStore, StepView } from "./kit/run/run_state.ts";
export {
  ApiError,
  exitCodeFor,
  InterruptedError,
  JobFailedError,
  JobTimeoutError,
  UsageError,
} from "./kit/errors.ts";
export type {
  CreateJobOptions,
  ExchangeInfo,
  GetJobOptions,
  Job,
  JobClient,
  JobConfiguration,
  JobError,
  JobState,
  JobStatus,
  KnownJobState,
  ListJobsOptions,
  RequestOptions,
  RetryInfo,
  StatusHistoryEntry,
} from "./kit/api/types.ts";
export type { Clock } from "./kit/clock.ts";
