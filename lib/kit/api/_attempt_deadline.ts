/** One attempt's deadline, a sleep on the client's clock. */
import type { ResolvedOptions } from "./_resolve_options.ts";

/** The deadline of one HTTP attempt. */
export interface AttemptDeadline {
  /** Aborts when the deadline passes, or when the clock itself fails. */
  signal: AbortSignal;
  /** The clock's own failure, when its sleep failed other than by being cancelled. */
  clockFailed(): { error: unknown } | undefined;
  /** The attempt ended, whichever way: cancels the deadline's sleep. */
  end(): void;
}

/** Starts the deadline of one attempt, `cfg.requestTimeoutMs` from now on `cfg.clock`. */
export function startDeadline(cfg: ResolvedOptions): AttemptDeadline {
  const timeout = new AbortController();
  // The deadline is a sleep on the client's clock, so a virtual clock drives it like every other
  // wait; `attemptOver` cancels it as soon as this attempt ends, whichever way.
  const attemptOver = new AbortController();
  let clockFailed: { error: unknown } | undefined;
  cfg.clock.sleep(cfg.requestTimeoutMs, attemptOver.signal).then(
    () => {
      timeout.abort(
        new DOMException(`No answer within ${cfg.requestTimeoutMs}ms`, "TimeoutError"),
      );
    },
    (error: unknown) => {
      // Cancelled because the attempt ended: the expected case. Any other failure is the clock's
      // own; end the request and let the failure through rather than wait without a deadline.
      if (attemptOver.signal.aborted) return;
      clockFailed = { error };
      timeout.abort(error);
    },
  );
  return {
    signal: timeout.signal,
    clockFailed: () => clockFailed,
    end: () => attemptOver.abort(),
  };
}
