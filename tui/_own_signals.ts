/**
 * Ink and the prompts stop the process themselves on a signal (their `signal-exit` re-raises it
 * when it sees no other listener on node's `process`), which would skip stopping our jobs. The
 * run's own handling is `Deno.addSignalListener` in `main.ts`, which `signal-exit` cannot see: a
 * listener that does nothing on node's `process` tells it the signal is handled.
 */
import process from "node:process";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const handledInMain = () => {};
let kept = false;

/** Keeps the signals for `main.ts` while Ink or a prompt is loaded (once per process). */
export function keepOwnSignals(): void {
  if (kept) return;
  kept = true;
  for (const signal of SIGNALS) process.on(signal, handledInMain);
}
