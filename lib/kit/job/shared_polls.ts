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
import type { Job, JobClient, RequestOptions } from "../api/types.ts";
import { NOT_YET_VISIBLE_MS } from "./wait_options.ts";
import { listHealth, listJobsById, SHARED_POLL_JOBS } from "./_shared_list.ts";

export { SHARED_POLL_JOBS, SHARED_POLL_PATIENCE_MS, SHARED_POLL_REST_MS } from "./_shared_list.ts";

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
  const board: Board = {
    client,
    clock,
    members: new Map(),
    health: listHealth(clock),
    filtersRefused: options.filtersRefused ?? (() => false),
  };
  return {
    get listing() {
      return board.health.listing;
    },
    join(jobId, seen) {
      const now = clock.now();
      const me: Member = {
        jobId,
        seen,
        dueAt: now,
        joinedAt: now,
        misses: 0,
        out: null,
        polling: false,
      };
      board.members.set(jobId, me);
      return {
        due: (at) => {
          me.dueAt = at;
        },
        poll: (get, o) => pollOf(board, me, get, o),
        leave: () => {
          if (board.members.get(jobId) === me) board.members.delete(jobId);
        },
      };
    },
  };
}

/** What the waits of one `sharedPolls()` share. */
interface Board {
  client: Pick<JobClient, "listJobs">;
  clock: Clock;
  members: Map<string, Member>;
  health: ReturnType<typeof listHealth>;
  filtersRefused: () => boolean;
}

/** A member's poll: the list already out for it, or a new one, or a `GET`. */
async function pollOf(
  board: Board,
  me: Member,
  get: () => Promise<Job>,
  o: RequestOptions,
): Promise<Job> {
  let out = me.out;
  let batch: Member[] | null = null;
  if (!out) {
    batch = batchFor(board, me);
    if (!batch) return await get();
    out = listFor(board, batch, o);
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
}

/** The jobs one list for `me` asks for: `me` first, then the others soonest due; null: a `GET`. */
function batchFor(board: Board, me: Member): Member[] | null {
  if (!board.health.usable() || board.filtersRefused() || me.misses >= MISSES_ALLOWED) return null;
  const others = [...board.members.values()]
    .filter((m) => m !== me && m.misses < MISSES_ALLOWED)
    .sort((a, b) => a.dueAt - b.dueAt)
    .slice(0, SHARED_POLL_JOBS - 1);
  return others.length === 0 ? null : [me, ...others];
}

/** One list for `batch`: the jobs it found by id (every member told), or null if unusable. */
async function listFor(
  board: Board,
  batch: Member[],
  o: RequestOptions,
): Promise<Map<string, Job> | null> {
  const asked = new Set(batch.map((m) => m.jobId));
  let jobs: Job[];
  try {
    jobs = await listJobsById(board.client, board.clock, asked, o);
  } catch (error) {
    if (o.signal?.aborted) throw error;
    board.health.failed(error);
    return null;
  }
  const found = new Map<string, Job>();
  for (const job of jobs) {
    if (!asked.has(job.jobId)) return board.health.unfiltered(); // lists would cost, not save
    found.set(job.jobId, job);
  }
  const now = board.clock.now();
  for (const m of batch) {
    const job = found.get(m.jobId);
    // A job just created may not be listed yet: misses count from NOT_YET_VISIBLE_MS on.
    m.misses = job ? 0 : now - m.joinedAt < NOT_YET_VISIBLE_MS ? m.misses : m.misses + 1;
    // Told, unless its own poll waits for this list (it reads the answer there) or it left.
    if (job && !m.polling && board.members.get(m.jobId) === m) m.seen(job);
  }
  return found;
}
