import type { RunEvent } from "./events.ts";

/**
 * The one event stream of a run: the runner emits, reporters, the journal and the dashboard listen.
 *
 * @example
 * ```ts
 * import type { EventBus } from "@tamr-refresh/kit";
 *
 * function countFailures(bus: EventBus): () => number {
 *   let failures = 0;
 *   bus.subscribe((e) => {
 *     if (e.type === "step" && e.state === "failed") failures++;
 *   });
 *   return () => failures;
 * }
 * ```
 */
export interface EventBus {
  /** Sends an event to every listener, in the order they subscribed. */
  emit(event: RunEvent): void;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/**
 * Creates a bus that calls listeners synchronously in the order they subscribed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEventBus, type RunEvent } from "@tamr-refresh/kit";
 *
 * const bus = createEventBus();
 * const seen: string[] = [];
 * const unsubscribe = bus.subscribe((e: RunEvent) => seen.push(e.type));
 * bus.emit({ type: "warning", time: new Date().toISOString(), message: "hello" });
 * unsubscribe();
 * bus.emit({ type: "warning", time: new Date().toISOString(), message: "unheard" });
 * assert.deepEqual(seen, ["warning"]);
 * ```
 */
export function createEventBus(): EventBus {
  const listeners = new Set<(event: RunEvent) => void>();
  return {
    emit(event) {
      for (const l of listeners) l(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
