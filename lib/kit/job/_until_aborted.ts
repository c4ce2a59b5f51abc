/** Racing a request against an abort, without leaving its late failure unhandled. */

/** Settles like `promise`, but rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(outcomeIsMoot);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(outcomeIsMoot);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Once the wait rejected with the abort reason, the request it abandoned still settles later and
 * nobody reads it; its failure (usually the same abort) is moot and must not surface as an
 * unhandled rejection.
 */
function outcomeIsMoot(_error: unknown): void {
  return;
}
