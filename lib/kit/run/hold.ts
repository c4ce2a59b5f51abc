/**
 * Holding a run: while held, the scheduler starts no new step (jobs already running go on). The
 * dashboard holds the run while it asks "stop the running jobs and quit?", so nothing new starts
 * during the question.
 */

/**
 * A hold a run reads: whether it is held now, and a way to hear when that changes.
 *
 * @example
 * ```ts
 * import { createHold } from "@tamr-refresh/kit";
 *
 * const hold = createHold();
 * hold.hold(); // no new step starts ...
 * hold.release(); // ... until released
 * ```
 */
export interface RunHold {
  /** True while no new step may start. */
  readonly held: boolean;
  /** Calls `listener` whenever the hold is taken or released; returns a function that stops it. */
  subscribe(listener: () => void): () => void;
}

/**
 * A hold to pass to `runPipeline({ hold })`, with the hands that take and release it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHold } from "@tamr-refresh/kit";
 *
 * const hold = createHold();
 * hold.hold();
 * assert.equal(hold.held, true);
 * hold.release();
 * assert.equal(hold.held, false);
 * ```
 */
export function createHold(): RunHold & { hold(): void; release(): void } {
  let held = false;
  const listeners = new Set<() => void>();
  const set = (value: boolean) => {
    if (held === value) return;
    held = value;
    for (const l of listeners) l();
  };
  return {
    get held() {
      return held;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hold: () => set(true),
    release: () => set(false),
  };
}
