/** A waited-for job past its deadline: stopped and confirmed, or left running when asked. */
import type { Clock } from "../clock.ts";
import { JobTimeoutError } from "../errors.ts";
import type { Job, JobClient } from "../api/types.ts";
import { stopAndConfirm } from "./stop.ts";
import type { WaitOptions } from "./wait_options.ts";

/**
 * Stops the job (unless `leaveRunning`) and polls for DONE through the grace. Returns the job when
 * it reached DONE without an error after all; otherwise throws `JobTimeoutError`.
 */
export async function stopAtDeadline(
  client: JobClient,
  jobId: string,
  options: WaitOptions,
  wait: { clock: Clock; timeoutMs: number; stopGraceMs: number; maxIntervalMs: number },
): Promise<Job> {
  const { clock, timeoutMs } = wait;
  const signal = options.signal;
  if (options.leaveRunning) throw new JobTimeoutError(jobId, timeoutMs, false);
  options.onStopRequested?.(jobId);
  const stop = await stopAndConfirm(client, jobId, {
    clock,
    signal,
    graceMs: wait.stopGraceMs,
    maxIntervalMs: wait.maxIntervalMs,
    onRetry: options.onRetry,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (!stop.confirmed) {
    if (signal?.aborted) throw signal.reason;
    options.onWarning?.(
      `Could not stop job ${jobId} after it ran past the timeout, so it may still be running: ${stop.why}`,
    );
    throw new JobTimeoutError(jobId, timeoutMs, false);
  }
  options.onPoll?.(stop.job);
  // Stop is asynchronous: a job that reached DONE without an error after it was asked to stop
  // succeeded.
  if (!stop.job.status.error) return stop.job;
  throw new JobTimeoutError(jobId, timeoutMs, true);
}
