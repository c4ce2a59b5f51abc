/**
 * The run's defaults, owned here and read by the runner, the poller, the client, the settings and
 * every command's help.
 */

/** Source jobs at once. */
export const DEFAULT_CONCURRENCY = 4;
/** The longest wait between two polls of a job (`--poll-interval`). */
export const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** Per job: past it the job is stopped and the run exits 3 (`--timeout`). */
export const DEFAULT_TIMEOUT_MS = 2 * 3_600_000;
/** Per HTTP request (`--request-timeout`). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The wait before a job's first poll. */
export const DEFAULT_FIRST_POLL_MS = 1_000;
/** After asking Tamr to stop a job, how long to keep polling for DONE: one grace for every stop. */
export const DEFAULT_STOP_GRACE_MS = 2 * 60_000;
