/**
 * When the text and NDJSON outputs say the run's expected end: once it is first known, then only
 * when it moved a lot (more than a tenth of the time that was left, and at least a minute), not on
 * every event. It is looked at on the `start` event and as steps end (in a plan of more than 100
 * steps, each time another hundredth of them ended, to keep the cost of a big run flat).
 */
import { type EtaOptions, type RunEta, runEta } from "../../kit/run/eta.ts";
import type { RunEvent } from "../../kit/run/events.ts";
import { isFinalState, type RunState } from "../../kit/run/run_state.ts";

/** A move smaller than this is never said again. */
const MIN_MOVE_MS = 60_000;
/** Nor one smaller than this share of the time that was left when it was last said. */
const MOVE_SHARE = 0.1;

/**
 * Returns a listener that answers, for each event, the expected end to say now, or null.
 * Each output (text, NDJSON) keeps its own.
 */
export function etaNotes(
  options: EtaOptions = {},
): (event: RunEvent, state: RunState) => RunEta | null {
  let said: RunEta | null = null;
  let ended = 0;
  return (event, state) => {
    if (event.type === "start") {
      said = null;
      ended = 0;
    } else if (event.type !== "step" || !isFinalState(event.state)) {
      return null;
    } else {
      const every = Math.ceil(state.steps.length / 100);
      if (++ended % every !== 0) return null;
    }
    const c = state.counts;
    if (c.succeeded + c.failed + c.stopped + c.timed_out + c.skipped === state.steps.length) {
      return null; // nothing left to run: the run is ending
    }
    const eta = runEta(state, Date.parse(event.time), options);
    if (!worthSaying(eta, said)) return null;
    said = eta;
    return eta;
  };
}

/** First known, or a different kind of estimate, or moved a lot since it was last said. */
function worthSaying(eta: RunEta, said: RunEta | null): boolean {
  // Unknown, or nothing left that takes time (the run is ending): nothing worth a line.
  if (eta.endsAt === null || eta.remainingMs === 0) return false;
  if (said === null || said.endsAt === null) return true;
  if (eta.lowerBound !== said.lowerBound) return true;
  const moved = Math.abs(eta.endsAt - said.endsAt);
  return moved > Math.max(MIN_MOVE_MS, MOVE_SHARE * (said.remainingMs ?? 0));
}
