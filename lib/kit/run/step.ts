/**
 * One step of a run: get its job (create or attach), poll it to the end, and say every change as an
 * event naming the step. Never throws for an expected failure: it ends with a `StepEnd`.
 */
import type { DurationStats } from "../history/duration_stats.ts";
import type { Clock } from "../clock.ts";
import { ApiError, JobFailedError, JobTimeoutError } from "../errors.ts";
import type { Job, RetryInfo } from "../api/types.ts";
import { waitForJob } from "../job/poller.ts";
import type { WaitOptions } from "../job/wait_options.ts";
import type { SharedPolls } from "../job/shared_polls.ts";
import { stopAndConfirm } from "../job/stop.ts";
import { type CreateContext, createOrAttach } from "./create.ts";
import type { RunEvent, StepEvent, StepState } from "./events.ts";
import type { PlanStep } from "./plan.ts";
import { type SlowWatch, slowWatch } from "./slower_than_usual.ts";
import { createdOnOurClock, jobCreatedAt, jobDuration, resumesJob, timesOf } from "./_step_job.ts";

export { jobDuration } from "./_step_job.ts";

/**
 * How a step ended for the scheduler: with its job's outcome, on an error outside any job's
 * outcome (an API refusal, a bug), or cut short by the run's interrupt.
 */
export type StepEnd =
  | { state: "succeeded" | "failed" | "stopped" | "timed_out" }
  | { state: "error"; error: Error; mayHaveCreated?: boolean }
  | { state: "interrupted" };

/**
 * What a resumed run knows of a step from its journal.
 *
 * @example
 * ```ts
 * import type { PriorStep } from "@tamr-refresh/kit";
 *
 * // load:s1 finished in the earlier run; load:s2's job was created and is polled again.
 * const prior = new Map<string, PriorStep>([
 *   ["load:s1", {
 *     jobId: "job_1",
 *     outcome: "succeeded",
 *     startedAt: "2026-01-01T12:00:00Z",
 *     endedAt: "2026-01-01T12:05:00Z",
 *   }],
 *   ["load:s2", { jobId: "job_2" }],
 * ]);
 * ```
 */
export interface PriorStep {
  /** The job the earlier run created or attached to for this step. */
  jobId?: string | undefined;
  /** How the step ended in the earlier run, when it did. */
  outcome?: string | undefined;
  /** The earlier run asked Tamr to stop this job: found stopped, the step runs again. */
  stopRequested?: boolean | undefined;
  /** When the step began in the earlier run (RFC 3339), when known. */
  startedAt?: string | undefined;
  /** When it ended in the earlier run (RFC 3339), when known. */
  endedAt?: string | undefined;
  /** Its job's phases from Tamr's statusHistory (RFC 3339), when the earlier run saw them. */
  jobTimes?: { createdAt?: string; runningAt?: string; doneAt?: string } | undefined;
}

/** What running one step needs from the run. */
export interface StepContext extends Omit<CreateContext, "onState" | "warn" | "onRetry"> {
  /** Where the step's events go (the run store). */
  emit: (event: RunEvent) => void;
  clock: Clock;
  /** Per job: past it the job is stopped (unless `leaveRunning`). */
  timeoutMs: number;
  /** The longest wait between two polls. */
  pollIntervalMs: number;
  /** The wait before the first poll, when not the poller's default. */
  firstPollMs?: number | undefined;
  /** Past the deadline, leave the job running. */
  leaveRunning: boolean;
  /** After a stop at the deadline, how long to wait for DONE. */
  stopGraceMs: number;
  /** Polls shared between the run's jobs (none: each job polled alone). */
  shared?: SharedPolls | undefined;
  /** How long the step's job took in earlier runs (median and spread). */
  expected?: DurationStats | undefined;
  /** What the journal knows of the step (`--resume`). */
  prior?: PriorStep | undefined;
}

/** Runs one step to its end. */
export async function runStep(step: PlanStep, ctx: StepContext): Promise<StepEnd> {
  const now = () => new Date(ctx.clock.now()).toISOString();
  const say = (state: StepState, extra: Partial<StepEvent> = {}) =>
    ctx.emit({
      type: "step",
      time: now(),
      step: step.id,
      kind: step.kind,
      target: step.target,
      state,
      ...(ctx.expected ? { expectedMs: Math.round(ctx.expected.medianMs) } : {}),
      ...extra,
    });
  const warn = (message: string, jobId?: string) =>
    ctx.emit({ type: "warning", time: now(), message, step: step.id, ...(jobId ? { jobId } : {}) });
  const onRetry = (r: RetryInfo) => ctx.emit({ type: "retry", time: now(), ...r, step: step.id });

  let job: Pick<Job, "jobId"> & { status?: Job["status"] };
  let attached: boolean;
  let found: Job | null = null; // a job found running, as the search read it
  let otherRun = false;
  const prior = ctx.prior;
  if (prior?.jobId && await resumesJob(prior, ctx)) {
    job = { jobId: prior.jobId };
    attached = true;
    warn(`Resuming: polling job ${prior.jobId} again instead of creating a new one.`, prior.jobId);
  } else {
    say("creating");
    const got = await createOrAttach(step, {
      ...ctx,
      onState: (state) => say(state),
      warn,
      onRetry,
    });
    if ("interrupted" in got) return { state: "interrupted" };
    if ("timedOut" in got) {
      // Said as a job past its timeout is (below), but with no job: none was created.
      say("timed_out", { error: { reason: "TIMED_OUT", message: got.timedOut } });
      return { state: "timed_out" };
    }
    if ("error" in got) {
      // A refused key or an unreachable tenant is the run's error, not this step's: it never
      // started (the run says what to check once).
      if (!isRunWide(got.error)) {
        say("failed", { error: { reason: "API_ERROR", message: got.error.message } });
      }
      if (got.mayHaveCreated) {
        warn(
          `Creating ${step.id} may have made a job that could not be found; ` +
            `--resume looks for it again before creating one.`,
        );
      }
      return { state: "error", error: got.error, mayHaveCreated: got.mayHaveCreated === true };
    }
    job = got.job;
    attached = got.attached;
    if (attached) found = got.job;
    otherRun = got.otherRun === true;
  }
  const jobId = job.jobId;
  const firstState = job.status?.state;
  say("running", {
    jobId,
    ...(firstState ? { jobState: firstState } : {}),
    ...(attached ? { attached: true } : {}),
    ...(otherRun ? { otherRun: true } : {}),
  });
  if (ctx.signal.aborted) return { state: "interrupted" };
  // Another run's job is watched to its end but never stopped by this run, at the deadline neither.
  const pollCtx = otherRun ? { ...ctx, leaveRunning: true } : ctx;
  const watch = slowWatch(ctx.expected, { attached, now: () => ctx.clock.now(), warn });
  const speech = { say, warn, onRetry, watch };
  return await pollToEnd(jobId, firstState ?? "", pollCtx, speech, attached ? { found } : null);
}

interface Speech {
  say: (state: StepState, extra?: Partial<StepEvent>) => void;
  warn: (message: string, jobId?: string) => void;
  onRetry: (r: RetryInfo) => void;
  watch: SlowWatch; // says "slower than usual" once
}

async function pollToEnd(
  jobId: string,
  firstState: string,
  ctx: StepContext,
  { say, warn, onRetry, watch }: Speech,
  existing: { found: Job | null } | null,
): Promise<StepEnd> {
  const attached = existing !== null;
  let lastState = firstState;
  // A job found rather than created: its elapsed time counts from when Tamr created it.
  let createdUnsaid = attached;
  try {
    const job = await waitForJob(ctx.client, jobId, {
      signal: ctx.signal,
      justCreated: !attached,
      ...(existing ? existingJob(existing.found, ctx) : {}),
      timeoutMs: ctx.timeoutMs,
      maxIntervalMs: ctx.pollIntervalMs,
      ...(ctx.firstPollMs !== undefined ? { firstIntervalMs: ctx.firstPollMs } : {}),
      leaveRunning: ctx.leaveRunning,
      stopGraceMs: ctx.stopGraceMs,
      clock: ctx.clock,
      shared: ctx.shared,
      ...(ctx.expected !== undefined ? { expected: ctx.expected } : {}),
      onRetry,
      onPoll: (j: Job) => {
        watch(j);
        const created = createdUnsaid ? jobCreatedAt(j) : undefined;
        createdUnsaid = false;
        if (created && j.status.state !== "DONE") {
          lastState = j.status.state;
          say(lastState === "STOPPING" ? "stopping" : "running", {
            jobId,
            jobState: lastState,
            jobCreatedAt: created,
          });
          return;
        }
        if (j.status.state === lastState) return;
        lastState = j.status.state;
        if (j.status.state === "DONE") return;
        say(j.status.state === "STOPPING" ? "stopping" : "running", { jobId, jobState: lastState });
      },
      onWarning: (message: string) => warn(message, jobId),
      onStopRequested: () => say("stopping", { jobId }),
    });
    watch.succeeded(job);
    say("succeeded", { jobId, jobState: job.status.state, ...jobDuration(job), ...timesOf(job) });
    return { state: "succeeded" };
  } catch (e) {
    if (e instanceof JobFailedError) {
      const state = e.reason === "STOPPED_BY_USER" ? "stopped" : "failed";
      say(state, {
        jobId,
        jobState: "DONE",
        error: { reason: e.reason, message: e.tamrMessage },
        ...(e.job ? timesOf(e.job) : {}),
      });
      return { state };
    }
    if (e instanceof JobTimeoutError) {
      const message = e.stopped
        ? `The job ran past the timeout and was stopped.`
        : `The job ran past the timeout and was left running.`;
      say("timed_out", { jobId, error: { reason: "TIMED_OUT", message } });
      return { state: "timed_out" };
    }
    if (e instanceof ApiError) {
      // The job is not seen to end: stop it rather than leave it running unwatched.
      const stopped = await stopUnwatched(jobId, e, ctx, { warn, onRetry });
      say("failed", {
        jobId,
        error: { reason: "API_ERROR", message: e.message },
        ...(stopped ? {} : { leftRunning: true }),
      });
      return { state: "error", error: e };
    }
    if (ctx.signal.aborted) return { state: "interrupted" };
    throw e;
  }
}

/**
 * How to poll a job this step did not just create: one a resumed run knew is polled at once (it
 * may have ended meanwhile); either is paced from the job's own creation, not from our wait.
 */
function existingJob(
  found: Job | null,
  ctx: StepContext,
): Pick<WaitOptions, "pollAtOnce" | "jobStartedAt"> {
  const tenantClock = ctx.search.tenantClock;
  if (found) return { jobStartedAt: createdOnOurClock(found, tenantClock) ?? undefined };
  return { pollAtOnce: true, jobStartedAt: (j: Job) => createdOnOurClock(j, tenantClock) };
}

/**
 * After polling a job gave up: stops it (unless the run leaves jobs running, or the job is gone)
 * and says whether it is known not to be running any more.
 */
async function stopUnwatched(
  jobId: string,
  why: ApiError,
  ctx: StepContext,
  { warn, onRetry }: Pick<Speech, "warn" | "onRetry">,
): Promise<boolean> {
  if (why.status === 404) return true; // Tamr says there is no such job.
  if (!ctx.leaveRunning) {
    const result = await stopAndConfirm(ctx.client, jobId, {
      clock: ctx.clock,
      signal: ctx.hardSignal,
      graceMs: ctx.stopGraceMs,
      onRetry,
    });
    if (result.confirmed) return true;
    warn(
      `Job ${jobId} may still be running: polling it failed and it could not be stopped (${result.why}).`,
      jobId,
    );
    return false;
  }
  warn(`Job ${jobId} may still be running: polling it failed and it was left running.`, jobId);
  return false;
}

/** True for an API error every request would get: a refused key, or no answer at all. */
export function isRunWide(error: Error | null): boolean {
  return error instanceof ApiError &&
    (error.status === 401 || error.status === 403 || error.status === null);
}
