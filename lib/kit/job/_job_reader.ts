/** One poll of a waited-for job: the client rides out an outage until the deadline. */
import type { Clock } from "../clock.ts";
import { isKnownState, type Job, type JobClient, type RetryInfo } from "../api/types.ts";
import type { PollTrouble } from "./_poll_trouble.ts";
import { untilAborted } from "./_until_aborted.ts";
import type { WaitOptions } from "./wait_options.ts";

/**
 * Reads the job once per call: reports the poll, notes an answer after failed polls, and warns
 * once about a state tamr-refresh does not know.
 */
export function jobReader(
  client: JobClient,
  jobId: string,
  options: WaitOptions,
  wait: { clock: Clock; deadline: number; notFoundUntil: number; trouble: PollTrouble },
): () => Promise<Job> {
  const { clock, deadline, notFoundUntil, trouble } = wait;
  const signal = options.signal;
  const onRetry = (info: RetryInfo) => {
    options.onRetry?.(info);
    trouble.onRetry(info);
  };
  let warnedUnknown = false;
  return async (): Promise<Job> => {
    if (signal?.aborted) throw signal.reason;
    const now = clock.now();
    // The client rides out an outage until the deadline: one retry loop, never two multiplied.
    const poll = {
      forMs: Math.max(0, deadline - now),
      notFoundForMs: Math.max(0, notFoundUntil - now),
    };
    const job = await untilAborted(client.getJob(jobId, { signal, onRetry, poll }), signal);
    trouble.answered();
    options.onPoll?.(job);
    const state: unknown = job.status?.state;
    if (!warnedUnknown && (typeof state !== "string" || !isKnownState(state))) {
      warnedUnknown = true;
      options.onWarning?.(
        `Job ${jobId} is in a state tamr-refresh does not know (${JSON.stringify(state)}); ` +
          `treating it as not finished and polling on.`,
      );
    }
    return job;
  };
}
