/** How `waitForJob()` waits: its options, and the defaults of its own. */
import type { Clock } from "../clock.ts";
import type { Job, RetryInfo } from "../api/types.ts";
import type { SharedPolls } from "./shared_polls.ts";

/**
 * How `waitForJob()` waits. Every field is optional.
 *
 * @example
 * ```ts
 * import type { WaitOptions } from "@tamr-refresh/kit";
 *
 * const overnight: WaitOptions = {
 *   timeoutMs: 8 * 3_600_000,
 *   maxIntervalMs: 60_000,
 *   leaveRunning: true,
 *   onWarning: (message) => Deno.stderr.writeSync(new TextEncoder().encode(`${message}\n`)),
 * };
 * ```
 */
export interface WaitOptions {
  /** Abort: reject at once with `signal.reason`. The caller stops the job itself. */
  signal?: AbortSignal;
  /** The deadline, measured from the call. Default 2 hours. */
  timeoutMs?: number;
  /** The longest wait between two polls (`--poll-interval`). Default 30 seconds. */
  maxIntervalMs?: number;
  /** The wait before the first poll. Default 1 second. */
  firstIntervalMs?: number;
  /** How much each wait grows over the one before. Default 1.5. */
  backoff?: number;
  /**
   * How long the job took before: the median and spread of earlier durations (a `DurationStats`
   * fits). Polls are placed where the job is likely to end: `maxIntervalMs` apart before, densest
   * across the likely window, backing off past it; see `pollSchedule()`. Wins over
   * `expectedDurationMs`.
   */
  expected?: ExpectedEnd | undefined;
  /**
   * How long the job is expected to take, as one number (one earlier run): taken as a median with
   * an assumed spread of ±8% at the 10th and 90th percentiles.
   */
  expectedDurationMs?: number;
  /**
   * The job was created just now: for `NOT_YET_VISIBLE_MS` a 404 is taken for a job the API does
   * not show yet and it is polled again; after that (or without this) a 404 ends the wait.
   */
  justCreated?: boolean;
  /**
   * The job already existed (found running, or a resumed run's): poll it at once rather than
   * after `firstIntervalMs`, since it may have ended already. Default false.
   */
  pollAtOnce?: boolean;
  /**
   * When the job began, on `clock` (ms since the epoch), if not at the call: a number when known,
   * or read from each job polled (null: it cannot tell). The schedule then counts the job's time
   * from it rather than from the call, so a job found halfway is polled where its end is likely.
   */
  jobStartedAt?: number | ((job: Job) => number | null) | undefined;
  /** Past the deadline, leave the job running instead of stopping it. */
  leaveRunning?: boolean;
  /** After stopping the job at the deadline, how long to keep polling for DONE (one grace for every stop). */
  stopGraceMs?: number;
  /** Called before each retry of a request made for this wait. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /**
   * Polls shared with the other waits of a run (`sharedPolls()`): this wait's polls may ask for
   * their jobs too, in one list request, and their polls may bring this job's state.
   */
  shared?: SharedPolls | undefined;
  /** Where time comes from; every sleep goes through `clock.sleep(ms, signal)`. */
  clock?: Clock;
  /** Called with every job read. */
  onPoll?: (job: Job) => void;
  /**
   * Called with a sentence when something is odd but not fatal: an unknown state, a failed stop,
   * polls that start failing (once) and are answered again (once).
   */
  onWarning?: (message: string) => void;
  /** Called once, just before the job is stopped because it ran past the deadline. */
  onStopRequested?: (jobId: string) => void;
}

/**
 * How long a job took before, for placing its polls: the median and the 10th and 90th percentiles
 * of earlier durations (ms, from creation to DONE), and how many there were. A `DurationStats`
 * is one.
 *
 * @example
 * ```ts
 * import type { ExpectedEnd } from "@tamr-refresh/kit";
 *
 * // Nine earlier runs took 4½ to 5½ minutes.
 * const usual: ExpectedEnd = { medianMs: 300_000, p10Ms: 276_000, p90Ms: 324_000, samples: 9 };
 * ```
 */
export interface ExpectedEnd {
  /** The median duration. */
  medianMs: number;
  /** The 10th percentile: as fast as the job usually gets. */
  p10Ms: number;
  /** The 90th percentile: as slow as the job usually gets. */
  p90Ms: number;
  /** How many durations these come from; fewer than three, and an assumed spread is blended in. */
  samples?: number | undefined;
}

export const DEFAULT_BACKOFF = 1.5;

/** After a create, how long a 404 on a poll is taken for a job the API does not show yet. */
export const NOT_YET_VISIBLE_MS = 30_000;
