/**
 * Ending a run early: which jobs are still in flight, and stopping each with the one
 * stop-and-confirm, every step's end said as an event.
 */
import type { Clock } from "../clock.ts";
import { DEFAULT_STOP_GRACE_MS } from "../defaults.ts";
import { InterruptedError } from "../errors.ts";
import type { JobClient } from "../api/types.ts";
import { stopAndConfirm } from "../job/stop.ts";
import type { RunEvent, StepState } from "./events.ts";
import type { InterruptSignal } from "./outcome.ts";
import { isFinalState, type RunState, type StepView } from "./run_state.ts";

/** The jobs in flight: every step with a job that has not ended, this run's or another's. */
export function jobsInFlight(state: RunState): StepView[] {
  return state.steps.filter((s) => s.jobId !== null && !isFinalState(s.state));
}

/**
 * The jobs that may still be running on Tamr once the run is over: those in flight, and those of
 * steps that ended without their job being seen to stop.
 */
export function jobsLeftRunning(state: RunState): StepView[] {
  return state.steps.filter((s) => s.jobId !== null && (!isFinalState(s.state) || s.leftRunning));
}

/**
 * Stops every job in flight that this run owns (created, or found in its own journal) and
 * confirms DONE, each step's end said as an event. Another run's job it attached to is left alone.
 */
export async function stopInFlight(state: RunState, ctx: StopContext): Promise<void> {
  await stopJobs(jobsInFlight(state).filter((s) => !s.otherRun), ctx);
}

/** What stopping jobs needs from the run. */
export interface StopContext {
  client: JobClient;
  clock: Clock;
  emit: (e: RunEvent) => void;
  now: () => string;
  options: { hardSignal?: AbortSignal | undefined; stopGraceMs?: number | undefined };
}

/** Stops the steps' jobs and confirms DONE, each step's end said as an event. */
export async function stopJobs(steps: readonly StepView[], ctx: StopContext): Promise<void> {
  const { client, clock, emit, now, options } = ctx;
  await Promise.all(
    steps.map(async (s) => {
      const jobId = s.jobId!;
      const say = (state: StepState, extra: Partial<RunEvent> = {}) =>
        emit({
          type: "step",
          time: now(),
          step: s.id,
          kind: s.kind,
          target: s.target,
          state,
          jobId,
          ...extra,
        } as RunEvent);
      say("stopping");
      const result = await stopAndConfirm(client, jobId, {
        clock,
        signal: options.hardSignal,
        graceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
        onRetry: (r) => emit({ type: "retry", time: now(), ...r, step: s.id }),
        onWarning: (message) => emit({ type: "warning", time: now(), step: s.id, jobId, message }),
      }).catch((e: unknown) => ({
        confirmed: false as const,
        why: e instanceof Error ? e.message : String(e),
      }));
      if (!result.confirmed) {
        emit({
          type: "warning",
          time: now(),
          step: s.id,
          jobId,
          message: `Could not stop job ${jobId}, so it may still be running: ${result.why}`,
        });
        return;
      }
      const error = result.job.status.error;
      if (error) {
        say("stopped", {
          jobState: "DONE",
          error: { reason: error.reason, message: error.message },
        });
      } else say("succeeded", { jobState: "DONE" });
    }),
  );
}

/** The signal an interrupt's reason names; SIGINT when it names none. */
export function interruptSignal(reason: unknown): InterruptSignal {
  return reason instanceof InterruptedError ? reason.signal : "SIGINT";
}
