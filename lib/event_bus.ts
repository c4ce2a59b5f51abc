import type { RunEvent } from "./events.ts";

/** The one event stream of a run: the runner emits, reporters, the journal and the dashboard listen. */
export interface EventBus {
  emit(event: RunEvent): void;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/** Creates a bus that calls listeners synchronously in the order they subscribed. */
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
