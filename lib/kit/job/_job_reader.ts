/** One poll of a waited-for job: the client rides out an outage until the deadline. */
import type { Clock } from "../clock.ts";
import { isKnownState, type Job, type JobClient, type RetryInfo } from "../api/types.ts";
import type { PollTrouble } from "./_poll_trouble.ts";
import type { SharedWait } from "./shared_polls.ts";
import { untilAborted } from "./_until_aborted.ts";
import type { WaitOptions } from "./wait_options.ts";

/** Reads the job (`read`), or takes it as another wait's poll brought it (`take`). */
export interface JobReader {
  /** Polls the job: through the shared list when there is one, else (or as its fallback) a GET. */
  read(): Promise<Job>;
  /** A GET of the job, never the list, as it came (not yet taken). */
  fetch(): Promise<Job>;
  /** The job as an answer brought it: reported as a poll (`onPoll`), checked for its state. */
  take(job: Job): Job;
}

/**
 * Reads the job once per call: reports the poll, notes an answer after failed polls, and warns
 * once about a state tamr-refresh does not know.
 */
export function jobReader(
  client: JobClient,
  jobId: string,
  options: WaitOptions,
  wait: {
    clock: Clock;
    deadline: number;
    notFoundUntil: number;
    trouble: PollTrouble;
    shared: SharedWait | null;
  },
): JobReader {
  const { clock, deadline, notFoundUntil, trouble, shared } = wait;
  const signal = options.signal;
  const onRetry = (info: RetryInfo) => {
    options.onRetry?.(info);
    trouble.onRetry(info);
  };
  let warnedUnknown = false;
  const take = (job: Job): Job => {
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
  const fetchOne = (): Promise<Job> => {
    const now = clock.now();
    // The client rides out an outage until the deadline: one retry loop, never two multiplied.
    const poll = {
      forMs: Math.max(0, deadline - now),
      notFoundForMs: Math.max(0, notFoundUntil - now),
    };
    return untilAborted(client.getJob(jobId, { signal, onRetry, poll }), signal);
  };
  const read = async (): Promise<Job> => {
    if (signal?.aborted) throw signal.reason;
    const job = shared
      ? await untilAborted(shared.poll(fetchOne, { signal, onRetry }), signal)
      : await fetchOne();
    return take(job);
  };
  return { read, fetch: fetchOne, take };
}
