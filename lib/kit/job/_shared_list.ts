/**
 * The list behind shared polls: one page of the jobs asked for by `job_id`, tried once and given
 * up on when slow, and how well lists have served so far (`listHealth`).
 */
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors.ts";
import { anyOf, fieldIs, renderFilter } from "../api/job_filter.ts";
import type { Job, JobClient, RequestOptions } from "../api/types.ts";

/** The most jobs one list request asks for: the API's largest page. */
export const SHARED_POLL_JOBS = 30;
/**
 * A list not answered within this is given up on, and its polls are made as `GET`s: a list that
 * hangs must not hold up every wait until the request's own timeout.
 */
export const SHARED_POLL_PATIENCE_MS = 5_000;
/** After a list that failed (no answer, 5xx, too slow), polls are `GET`s for this long. */
export const SHARED_POLL_REST_MS = 60_000;
/** Whether lists are used, resting, or stopped for good, from how they went. */
export function listHealth(clock: Clock) {
  let listing = true;
  let restUntil = -Infinity;
  let unreadablePages = 0;
  return {
    /** False once the tenant showed its lists cannot be used. */
    get listing(): boolean {
      return listing;
    },
    /** Lists may be sent now. */
    usable(): boolean {
      return listing && clock.now() >= restUntil;
    },
    /**
     * A list failed: a refusal stops lists; so does a second page that could not be read (once,
     * it may be a cut answer); anything else (no answer, a 5xx, too slow) rests them a while.
     */
    failed(error: unknown): void {
      if (refusal(error) || (unreadable(error) && ++unreadablePages >= 2)) listing = false;
      else restUntil = clock.now() + SHARED_POLL_REST_MS;
    },
    /** A list gave jobs not asked for: the tenant did not filter it. Lists stop. */
    unfiltered(): null {
      listing = false;
      return null;
    },
  };
}

/**
 * One page of the list filtered to the jobs `asked` for, tried once, given up on after
 * `SHARED_POLL_PATIENCE_MS`. A filtering tenant answers with at most those jobs; one that does
 * not filter fills the page with others. Reading no further than a page never fetches another.
 */
export async function listJobsById(
  client: Pick<JobClient, "listJobs">,
  clock: Clock,
  asked: ReadonlySet<string>,
  o: RequestOptions,
): Promise<Job[]> {
  const filter = renderFilter(anyOf(...[...asked].map((id) => fieldIs("job_id", id))));
  const patience = patienceFor(clock, o.signal);
  try {
    const jobs: Job[] = [];
    const list = client.listJobs({
      filter,
      pageSize: SHARED_POLL_JOBS,
      once: true,
      signal: patience.signal,
      onRetry: o.onRetry,
    });
    for await (const job of list) {
      jobs.push(job);
      if (jobs.length >= SHARED_POLL_JOBS) break;
    }
    return jobs;
  } finally {
    patience.done();
  }
}

/**
 * A signal that aborts when `signal` does or once `SHARED_POLL_PATIENCE_MS` passed on `clock`;
 * `done()` ends the wait for it.
 */
function patienceFor(clock: Clock, signal: AbortSignal | undefined) {
  const controller = new AbortController();
  const forward = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", forward, { once: true });
  const timer = new AbortController();
  clock.sleep(SHARED_POLL_PATIENCE_MS, timer.signal).then(
    () => controller.abort(new Error("the list was not answered in time")),
    () => {}, // done() first
  );
  return {
    signal: controller.signal,
    done() {
      timer.abort();
      signal?.removeEventListener("abort", forward);
    },
  };
}

/** A list the tenant will not answer as asked, now or later: a 4xx other than 408 and 429. */
function refusal(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status === null) return false;
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** A list answered 2xx with a page that could not be read (cut, malformed, not JSON). */
function unreadable(error: unknown): boolean {
  return error instanceof ApiError && error.status !== null && error.status >= 200 &&
    error.status < 300;
}
