/**
 * Virtual time for tests and simulations: a Clock whose sleeps wait in a queue until `run()` moves
 * time on to them. Time only moves when everything else has settled, so a run is as fast as its
 * CPU work and, with the same inputs, takes the same steps in the same order every time.
 */
import { setImmediate } from "node:timers";
import type { Clock } from "../kit/clock.ts";

/** 2026-01-01T00:00:00Z: where virtual time starts unless told otherwise. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 0, 1);

export interface VirtualClockOptions {
  /** Milliseconds since the epoch at the start. Default 2026-01-01T00:00:00Z. */
  start?: number;
  /**
   * `run()` fails after firing this many timers: a loop that sleeps forever would otherwise spin
   * through virtual time without end. Default 1,000,000.
   */
  maxTimers?: number;
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

interface Watch {
  predicate: () => boolean;
  what: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Macrotask turns with no new timer, cancellation or watch before the work counts as settled. */
const QUIET_TURNS = 3;

/** One macrotask turn: every microtask queued before it has run once it resolves. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A turn of the real timer queue (about a millisecond): used only before reporting a deadlock. */
const timerTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A clock for virtual time. Sleeps are timers in a queue ordered by due time, then by the order
 * they were made; `run(work)` settles everything that can happen now, then moves time to the
 * earliest timer and fires it, until `work` settles. Work that waits on real I/O or real timers
 * is not waited for: give such work the real clock.
 *
 * @example
 * ```ts
 * import { VirtualClock } from "./virtual_clock.ts";
 *
 * const clock = new VirtualClock();
 * const start = clock.now();
 * await clock.run(() => clock.sleep(3_600_000)); // an hour, in no real time
 * console.assert(clock.now() - start === 3_600_000);
 * ```
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  /** A binary min-heap by (at, seq); cancelled timers stay until they reach the top. */
  #heap: Timer[] = [];
  #live = 0;
  /** Bumped by all the driver can see happen: a new timer, a cancelled one, a fired watch. */
  #activity = 0;
  #fired = 0;
  readonly #maxTimers: number;
  readonly #watches = new Set<Watch>();
  #running = false;

  constructor(options: VirtualClockOptions = {}) {
    this.#now = options.start ?? VIRTUAL_EPOCH;
    this.#maxTimers = options.maxTimers ?? 1_000_000;
  }

  /** Virtual milliseconds since the epoch. */
  now = (): number => this.#now;

  /** Resolves when virtual time reaches now + `ms`; rejects with `signal.reason` on abort. */
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.#now + (Number.isFinite(ms) ? Math.max(0, ms) : 0),
        seq: this.#seq++,
        cancelled: false,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        this.#live--;
        this.#activity++;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#push(timer);
    });
  };

  /**
   * Moves time on by `ms` at once, as if the work in progress had taken that long (a slow answer).
   * Timers that are now due fire, in their order, as `run()` goes on.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`VirtualClock.advance(): 'ms' must be 0 or more, got ${ms}`);
    }
    this.#now += ms;
    this.#activity++;
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.#live;
  }

  /** How many timers `run()` has fired so far. */
  get fired(): number {
    return this.#fired;
  }

  /**
   * Resolves once `predicate` holds, checked by `run()` whenever everything has settled and
   * before time moves on: a test can wait for a state ("three jobs running") without polling.
   * It does not keep `run()` going by itself: if nothing else can happen, `run()` reports a
   * deadlock naming `what`.
   */
  until(predicate: () => boolean, what = "a condition"): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#watches.add({ predicate, what, resolve, reject });
    });
  }

  /**
   * Runs `work` to its end on virtual time and returns (or throws) what it does. Between timers it
   * lets every promise and ready macrotask settle. Throws when `work` can never finish: it is not
   * settled, no timer is queued and nothing else is happening.
   */
  async run<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    if (this.#running) {
      throw new Error("VirtualClock.run() is already running: one driver per clock");
    }
    this.#running = true;
    try {
      let settled = false;
      const promise = typeof work === "function" ? work() : work;
      const done = promise.finally(() => {
        settled = true;
      });
      // Observed here, so a rejection is not reported as unhandled while the driver works.
      done.catch(() => undefined);
      while (true) {
        await this.#settle(() => settled);
        if (settled) break;
        const timer = this.#pop();
        if (!timer) {
          // Before calling it a deadlock, give work on real 0 ms timers a chance to show up.
          if (await this.#stirred(() => settled)) continue;
          throw this.#deadlock();
        }
        if (++this.#fired > this.#maxTimers) {
          throw new Error(
            `VirtualClock.run() fired ${this.#maxTimers} timers and the work is still not done ` +
              `(virtual time ${new Date(this.#now).toISOString()}): a loop that never ends?`,
          );
        }
        this.#now = Math.max(this.#now, timer.at);
        this.#activity++;
        timer.fire();
      }
      return await done;
    } finally {
      this.#running = false;
    }
  }

  /** Lets microtasks and macrotasks run until a few turns pass with nothing new. */
  async #settle(settled: () => boolean): Promise<void> {
    let quiet = 0;
    while (quiet < QUIET_TURNS) {
      const before = this.#activity;
      await turn();
      if (settled()) return;
      this.#checkWatches();
      quiet = this.#activity === before ? quiet + 1 : 0;
    }
  }

  /** True when a few turns of the real timer queue made something happen. */
  async #stirred(settled: () => boolean): Promise<boolean> {
    const before = this.#activity;
    for (let i = 0; i < 3; i++) {
      await timerTurn();
      this.#checkWatches();
      if (settled() || this.#activity !== before) return true;
    }
    return false;
  }

  #checkWatches(): void {
    for (const watch of this.#watches) {
      let holds: boolean;
      try {
        holds = watch.predicate();
      } catch (error) {
        this.#watches.delete(watch);
        this.#activity++;
        watch.reject(error);
        continue;
      }
      if (holds) {
        this.#watches.delete(watch);
        this.#activity++;
        watch.resolve();
      }
    }
  }

  #deadlock(): Error {
    const waiting = [...this.#watches].map((w) => w.what);
    return new Error(
      `VirtualClock.run(): deadlock at ${new Date(this.#now).toISOString()}: the work is not ` +
        `done, nothing is happening and no timer is queued${
          waiting.length ? ` (still waiting for ${waiting.join(", ")})` : ""
        }`,
    );
  }

  // ---- the heap -------------------------------------------------------------------------------

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    this.#live++;
    this.#activity++;
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest live timer, taken off the queue. */
  #pop(): Timer | undefined {
    while (this.#heap.length > 0) {
      const top = this.#removeTop();
      if (!top.cancelled) {
        top.cancelled = true; // fired: a later abort of its signal changes nothing
        this.#live--;
        return top;
      }
    }
    return undefined;
  }

  #removeTop(): Timer {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      while (true) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
