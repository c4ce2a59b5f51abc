/**
 * Polls shared between the waits of one run: when a wait's poll is due and other jobs are being
 * waited on too, one request of the jobs list, filtered by `job_id` (documented), answers for all
 * of them, and every other wait hears how its job stands (`join`). A wait that hears its job is
 * DONE ends at once; one that hears it is still going plans its next poll from then. With four or
 * five jobs running, that is fewer requests and an end seen sooner.
 *
 * The list is a narrowing, never trusted blindly, and a wrong guess about it costs little:
 * - a job it leaves out is read with `GET /jobs/{id}` (and after two misses past its first 30 s,
 *   always so);
 * - a job it gives that was not asked for means the tenant did not filter: lists stop for the run;
 * - a refusal (400 and the like), or a page that cannot be read twice: lists stop for the run;
 * - a list that fails (no answer, 5xx, none within 5 s) is not retried: the poll is a `GET` with
 *   all of its riding out an outage, and lists rest for a minute.
 * A poll that comes due while a list that asks for its job is out waits for that list's answer. A
 * lone wait always polls with `GET`. How a job ended is always read with `GET`: a list may give
 * less of a job (its error, its history), and success or failure is the answer that must be right.
 */
import { type Clock, realClock } from "../clock.ts";
import { ApiError } from "../errors.ts";
import { anyOf, fieldIs, renderFilter } from "../api/job_filter.ts";
import type { Job, JobClient, RequestOptions } from "../api/types.ts";
import { NOT_YET_VISIBLE_MS } from "./wait_options.ts";

/** The most jobs one list request asks for: the API's largest page. */
export const SHARED_POLL_JOBS = 30;
/**
 * A list not answered within this is given up on, and its polls are made as `GET`s: a list that
 * hangs must not hold up every wait until the request's own timeout.
 */
export const SHARED_POLL_PATIENCE_MS = 5_000;
/** After a list that failed (no answer, 5xx, too slow), polls are `GET`s for this long. */
export const SHARED_POLL_REST_MS = 60_000;
/** Lists that leave a job out this many times in a row: that job is read with `GET` from then on. */
const MISSES_ALLOWED = 2;

/**
 * One wait's place among the shared polls: `waitForJob()` joins with its job and uses this.
 *
 * @example
 * ```ts
 * import { sharedPolls } from "@tamr-refresh/kit";
 * import type { JobClient } from "@tamr-refresh/kit";
 *
 * async function pollOnce(client: JobClient, jobId: string) {
 *   const wait = sharedPolls(client).join(jobId, () => {});
 *   try {
 *     return await wait.poll(() => client.getJob(jobId), {});
 *   } finally {
 *     wait.leave();
 *   }
 * }
 * ```
 */
export interface SharedWait {
  /** The time of this wait's next poll (ms since the epoch): the soonest due are asked for first. */
  due(at: number): void;
  /** One poll of this wait's job: a shared list when it can, else `get()`. */
  poll(get: () => Promise<Job>, options: RequestOptions): Promise<Job>;
  /** The wait is over: its job is no longer asked for. */
  leave(): void;
}

/**
 * Polls shared between waits, as `sharedPolls()` makes them.
 *
 * @example
 * ```ts
 * import type { SharedPolls } from "@tamr-refresh/kit";
 *
 * // Whether the tenant's list still answers the shared polls.
 * const listsStillUsed = (shared: SharedPolls) => shared.listing;
 * ```
 */
export interface SharedPolls {
  /** A wait joins: `seen` hears its job whenever another wait's poll brought it. */
  join(jobId: string, seen: (job: Job) => void): SharedWait;
  /** Whether lists are still used (false once the tenant showed it cannot filter them). */
  readonly listing: boolean;
}

interface Member {
  jobId: string;
  seen: (job: Job) => void;
  dueAt: number;
  joinedAt: number;
  misses: number;
  /** The list out now that asks for this job: a poll due meanwhile waits for its answer. */
  out: Promise<Map<string, Job> | null> | null;
  /** Its poll is waiting for a list (it reads the answer there, not by `seen`). */
  polling: boolean;
}

/**
 * What `sharedPolls()` takes besides the client.
 *
 * @example
 * ```ts
 * import type { SharedPollsOptions } from "@tamr-refresh/kit";
 *
 * // The run's searches already know the tenant refuses filters: no list is tried.
 * const options: SharedPollsOptions = { filtersRefused: () => true };
 * ```
 */
export interface SharedPollsOptions {
  /** Tells when lists may be tried again after one failed (default: the real clock). */
  clock?: Clock | undefined;
  /** True once the tenant is known to refuse filters (a search was refused): no list is sent. */
  filtersRefused?: (() => boolean) | undefined;
}

/**
 * Polls shared between waits: give the result to every `waitForJob()` of a run as `shared`.
 *
 * @example
 * ```ts
 * import { sharedPolls, waitForJob } from "@tamr-refresh/kit";
 * import type { JobClient } from "@tamr-refresh/kit";
 *
 * async function waitForAll(client: JobClient, jobIds: string[]) {
 *   const shared = sharedPolls(client);
 *   return await Promise.all(jobIds.map((id) => waitForJob(client, id, { shared })));
 * }
 * ```
 */
export function sharedPolls(
  client: Pick<JobClient, "listJobs">,
  options: SharedPollsOptions = {},
): SharedPolls {
  const clock = options.clock ?? realClock;
  const now = () => clock.now();
  const members = new Map<string, Member>();
  let listing = true;
  let restUntil = -Infinity;
  let unreadablePages = 0;

  /** The jobs one list for `me` asks for: `me` first, then the others soonest due; null: a `GET`. */
  const batchFor = (me: Member): Member[] | null => {
    if (!listing || options.filtersRefused?.()) return null;
    if (now() < restUntil || me.misses >= MISSES_ALLOWED) return null;
    const others = [...members.values()]
      .filter((m) => m !== me && m.misses < MISSES_ALLOWED)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, SHARED_POLL_JOBS - 1);
    return others.length === 0 ? null : [me, ...others];
  };

  /** One list for `batch`: the jobs it found by id, or null when it could not be used. */
  const listFor = async (batch: Member[], o: RequestOptions): Promise<Map<string, Job> | null> => {
    const asked = new Map(batch.map((m) => [m.jobId, m]));
    let jobs: Job[];
    const patience = patienceFor(clock, o.signal);
    try {
      jobs = await firstPage(client, asked, { ...o, signal: patience.signal });
    } catch (error) {
      if (o.signal?.aborted) throw error;
      // A list slower than `SHARED_POLL_PATIENCE_MS` was given up on: the polls are GETs now.
      // A page that could not be read may be a cut answer once; twice, it is how lists come.
      if (refusal(error) || (unreadable(error) && ++unreadablePages >= 2)) listing = false;
      else restUntil = now() + SHARED_POLL_REST_MS;
      return null;
    } finally {
      patience.done();
    }
    const found = new Map<string, Job>();
    for (const job of jobs) {
      if (!asked.has(job.jobId)) listing = false; // not filtered: lists would cost, not save
      else found.set(job.jobId, job);
    }
    if (!listing) return null;
    for (const m of batch) {
      const job = found.get(m.jobId);
      // A job just created may not be listed yet: misses count from NOT_YET_VISIBLE_MS on.
      m.misses = job ? 0 : now() - m.joinedAt < NOT_YET_VISIBLE_MS ? m.misses : m.misses + 1;
      // Told, unless its own poll waits for this list (it reads the answer there) or it left.
      if (job && !m.polling && members.get(m.jobId) === m) m.seen(job);
    }
    return found;
  };

  /** This member's poll: the list already out for it, or a new one, or a `GET`. */
  const poll = async (me: Member, get: () => Promise<Job>, o: RequestOptions): Promise<Job> => {
    let out = me.out;
    let batch: Member[] | null = null;
    if (!out) {
      batch = batchFor(me);
      if (!batch) return await get();
      out = listFor(batch, o);
      for (const m of batch) m.out = out;
    }
    let found: Map<string, Job> | null;
    me.polling = true;
    try {
      found = await out.catch(() => null); // one aborted elsewhere: this poll asks on its own
    } finally {
      me.polling = false;
      for (const m of batch ?? []) if (m.out === out) m.out = null;
    }
    if (o.signal?.aborted) throw o.signal.reason;
    const mine = found?.get(me.jobId);
    if (!mine) return await get();
    // How a job ended is read from the job itself: a list may give less of it (its error, its
    // history), and a success cannot show that it does (it has no error to leave out).
    return mine.status?.state === "DONE" ? await get() : mine;
  };

  return {
    get listing() {
      return listing;
    },
    join(jobId, seen) {
      const me: Member = {
        jobId,
        seen,
        dueAt: now(),
        joinedAt: now(),
        misses: 0,
        out: null,
        polling: false,
      };
      members.set(jobId, me);
      return {
        due: (at) => {
          me.dueAt = at;
        },
        poll: (get, o) => poll(me, get, o),
        leave: () => {
          if (members.get(jobId) === me) members.delete(jobId);
        },
      };
    },
  };
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

/** One page of the list filtered to the jobs asked for, tried once. */
async function firstPage(
  client: Pick<JobClient, "listJobs">,
  asked: ReadonlyMap<string, unknown>,
  o: RequestOptions,
): Promise<Job[]> {
  const filter = renderFilter(anyOf(...[...asked.keys()].map((id) => fieldIs("job_id", id))));
  const jobs: Job[] = [];
  const list = client.listJobs({
    filter,
    pageSize: SHARED_POLL_JOBS,
    once: true,
    signal: o.signal,
    onRetry: o.onRetry,
  });
  // A filtering tenant answers with at most the jobs asked for, in one page; one that does not
  // filter fills the page with other jobs. Reading no further than a page never fetches another.
  for await (const job of list) {
    jobs.push(job);
    if (jobs.length >= SHARED_POLL_JOBS) break;
  }
  return jobs;
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
