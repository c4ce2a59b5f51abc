/** Checking `waitForJob()`'s options before the first poll: a `RangeError` naming the bad one. */
import type { WaitOptions } from "./wait_options.ts";

/**
 * Throws a `RangeError` for an option out of range: a duration that is not positive (or not
 * finite where it must be), a backoff below 1.
 */
export function checkWaitOptions(
  o: {
    timeoutMs: number;
    maxIntervalMs: number;
    firstIntervalMs: number;
    stopGraceMs: number;
    backoff: number;
  },
  options: WaitOptions,
): void {
  const { timeoutMs, maxIntervalMs, firstIntervalMs, stopGraceMs, backoff } = o;
  requirePositive("timeoutMs", timeoutMs, true);
  requirePositive("maxIntervalMs", maxIntervalMs, false);
  requirePositive("firstIntervalMs", firstIntervalMs, false);
  requirePositive("stopGraceMs", stopGraceMs, true);
  if (!Number.isFinite(backoff) || backoff < 1) {
    throw new RangeError(
      `Cannot poll job: 'backoff' must be a number of at least 1, got ${backoff}`,
    );
  }
  if (options.expectedDurationMs !== undefined) {
    requirePositive("expectedDurationMs", options.expectedDurationMs, false);
  }
  const e = options.expected;
  if (e !== undefined) {
    requirePositive("expected.medianMs", e.medianMs, false);
    requireDuration("expected.p10Ms", e.p10Ms);
    requireDuration("expected.p90Ms", e.p90Ms);
    if (e.samples !== undefined && !(Number.isInteger(e.samples) && e.samples >= 1)) {
      throw new RangeError(
        `Cannot poll job: 'expected.samples' must be a whole number of at least 1, got ${e.samples}`,
      );
    }
  }
}

function requireDuration(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`Cannot poll job: '${name}' must be 0 or more and finite, got ${value}`);
  }
}

function requirePositive(name: string, value: number, infinityOk: boolean): void {
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`Cannot poll job: '${name}' must be a positive number, got ${value}`);
  }
  if (!infinityOk && !Number.isFinite(value)) {
    throw new RangeError(`Cannot poll job: '${name}' must be a finite number, got ${value}`);
  }
}
