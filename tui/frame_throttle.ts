/** Gathers a burst of redraw requests into one frame. */

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/**
 * Calls `draw` at most once every `ms` however often `notify()` is called (the first call waits
 * `ms` too, gathering a burst into one frame); `now()` draws at once; `dispose()` drops a pending draw.
 */
export function frameThrottle(draw: () => void, ms: number, timers: Timers = realTimers): {
  notify(): void;
  now(): void;
  dispose(): void;
} {
  let timer: unknown;
  let pending = false;
  const cancel = () => {
    if (pending) timers.clearTimeout(timer);
    pending = false;
  };
  return {
    notify() {
      if (pending) return;
      pending = true;
      timer = timers.setTimeout(() => {
        pending = false;
        draw();
      }, ms);
    },
    now() {
      cancel();
      draw();
    },
    dispose: cancel,
  };
}
