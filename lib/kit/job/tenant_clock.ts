/**
 * What the tenant's clock reads compared with ours, as far as its answers tell. The searches for a
 * job we may have created compare the tenant's times (when a job was created) with moments of ours
 * (when a create was sent, when a run began); with the tenant's clock minutes off ours, a fixed
 * allowance either misses our own job (a duplicate) or takes an older one for it.
 *
 * The estimate is a range for `offset = tenant time - our time`, narrowed by evidence:
 * - the `Date` header of every answer (`watch()`): the tenant's time, to the second, at some moment
 *   between sending and receiving;
 * - each job we created (`noteCreated()`): its creation time lies between the create's sending and
 *   its answer — the clock that stamps jobs, which is the one that matters;
 * - each job we see (`noteSeen()`): its last change happened before the answer came, a lower bound.
 * Evidence that contradicts the range (a clock was set) replaces it; when Date headers and job
 * times disagree, job times win.
 */
import type { Job } from "../api/types.ts";
import { createdAt, lastChangedAt } from "./job_times.ts";

/**
 * Without evidence from both sides (no `Date` header, no answered create yet), how far the clocks
 * are assumed to differ at most: the allowance the searches used before there was an estimate.
 *
 * @example
 * ```ts
 * import { ASSUMED_SKEW_MS } from "@tamr-refresh/kit";
 *
 * console.assert(ASSUMED_SKEW_MS === 60_000);
 * ```
 */
export const ASSUMED_SKEW_MS = 60_000;

/**
 * A range for the tenant's clock minus ours, in ms; unbounded sides are infinite.
 *
 * @example
 * ```ts
 * import type { OffsetRange } from "@tamr-refresh/kit";
 *
 * const known = (r: OffsetRange) => Number.isFinite(r.lo) && Number.isFinite(r.hi);
 * ```
 */
export interface OffsetRange {
  /** The tenant's clock is at least this far ahead of ours (negative: behind). */
  lo: number;
  /** The tenant's clock is at most this far ahead of ours (negative: behind). */
  hi: number;
}

const UNKNOWN: OffsetRange = { lo: -Infinity, hi: Infinity };

/** Narrows `range` by new evidence; evidence that contradicts it replaces it. */
function narrow(range: OffsetRange, lo: number, hi: number): OffsetRange {
  const l = Math.max(range.lo, lo);
  const h = Math.min(range.hi, hi);
  return l <= h ? { lo: l, hi: h } : { lo, hi };
}

/**
 * The tenant's clock as seen from our side.
 *
 * @example
 * ```ts
 * import { TenantClock } from "@tamr-refresh/kit";
 *
 * let now = Date.UTC(2026, 0, 1, 12);
 * const tenantClock = new TenantClock(() => now);
 * // An answer sent at `now`, received 200 ms later, stamped ten minutes behind us.
 * tenantClock.noteDate(now, now + 200, new Date(now - 600_000).toUTCString());
 * now += 200;
 * console.assert(tenantClock.earliest(now) <= now - 600_000);
 * ```
 */
export class TenantClock {
  readonly #now: () => number;
  #date: OffsetRange = UNKNOWN;
  #jobs: OffsetRange = UNKNOWN;

  /** `now`: our clock (the run's), ms since the epoch. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Our clock. */
  now(): number {
    return this.#now();
  }

  /**
   * An answer's `Date` header (null or unparsable: ignored): the tenant's time rounded down to the
   * second, taken at some moment between `sentAt` and `receivedAt` by our clock.
   */
  noteDate(sentAt: number, receivedAt: number, header: string | null): void {
    const t = header ? Date.parse(header) : NaN;
    if (!Number.isFinite(t)) return;
    this.#date = narrow(this.#date, t - receivedAt, t + 999 - sentAt);
  }

  /** A job that a create sent at `sentAt` and answered at `receivedAt` (our clock) made. */
  noteCreated(sentAt: number, receivedAt: number, job: Job): void {
    const c = createdAt(job);
    if (c === null) return;
    this.#jobs = narrow(this.#jobs, c - receivedAt, c - sentAt);
  }

  /** A job seen in an answer received at `receivedAt` (default now): it changed before that. */
  noteSeen(job: Job, receivedAt: number = this.#now()): void {
    const t = lastChangedAt(job);
    if (t === null) return;
    this.#jobs = narrow(this.#jobs, t - receivedAt, Infinity);
  }

  /** The range the tenant's clock minus ours lies in, as far as the evidence goes. */
  offset(): OffsetRange {
    const lo = Math.max(this.#jobs.lo, this.#date.lo);
    const hi = Math.min(this.#jobs.hi, this.#date.hi);
    if (lo <= hi) return { lo, hi };
    // The Date header and the jobs' times disagree: the jobs' clock is the one compared with.
    return this.#jobs;
  }

  /**
   * The earliest the tenant's clock can have read at our moment `ours`. Without evidence from
   * both sides, the clocks are assumed to differ by at most `ASSUMED_SKEW_MS`, unless what was
   * seen says the tenant is further ahead.
   */
  earliest(ours: number): number {
    const { lo, hi } = this.offset();
    return ours + (hi < Infinity ? lo : Math.max(lo, -ASSUMED_SKEW_MS));
  }

  /**
   * A `fetch` that notes the `Date` header of every answer. Give it to the job client (as `fetch`
   * and `createFetch`) and this clock to the run (`RunOptions.tenantClock`).
   */
  watch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input: string | URL | Request, init?: RequestInit) => {
      const sentAt = this.#now();
      const response = await fetch(input, init);
      this.noteDate(sentAt, this.#now(), response.headers.get("date"));
      return response;
    };
  }
}
