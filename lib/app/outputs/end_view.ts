/** What the end-of-run reports read: the run state's header and the `finish` event's summary. */
import type { FinishEvent, RunOutcome, StepSummary } from "../../kit/run/events.ts";
import type { RunState } from "../../kit/run/run_state.ts";
import type { TimelineEntry } from "../../kit/run/timeline.ts";
import { runTimeMs } from "../../kit/run/summary.ts";
import { tookText } from "./text.ts";

/** A finished run as the end reports (step summary, annotations, JUnit, webhook) show it. */
export interface EndView {
  tenant: string;
  baseUrl: string;
  dataProduct: string;
  /** ms since the epoch. */
  startedAt: number | null;
  finishedAt: number | null;
  /** For a resumed run: its earlier parts' time (ms), without the gaps between them. */
  earlierMs?: number | null;
  outcome: RunOutcome | null;
  exitCode: number | null;
  message: string | null;
  resumeCommand: string | null;
  /** Every step's summary, in plan order, as the `finish` event carries it. */
  steps: StepSummary[];
  /** When each step that began was created, ran and ended (the `finish` event's timeline). */
  timeline?: TimelineEntry[];
}

/** The end view of a run from its state and its `finish` event. */
export function endView(state: RunState, finish: FinishEvent): EndView {
  return {
    tenant: state.tenant,
    baseUrl: state.baseUrl,
    dataProduct: state.dataProduct,
    startedAt: state.startedAt,
    finishedAt: Date.parse(finish.time),
    earlierMs: state.earlierMs,
    outcome: finish.outcome,
    exitCode: finish.exitCode,
    message: finish.message ?? null,
    resumeCommand: finish.resumeCommand ?? null,
    steps: finish.steps,
    ...(finish.timeline ? { timeline: finish.timeline } : {}),
  };
}

/** ` in 23s`, or for a resumed run the whole run's time and this part's: ` in 23s (this part 12s)`. */
export function endTookText(view: EndView): string {
  if (view.finishedAt === null) return "";
  return tookText(runTimeMs({ ...view, earlierMs: view.earlierMs ?? null }, view.finishedAt));
}
