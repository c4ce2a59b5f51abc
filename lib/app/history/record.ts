/**
 * One finished run as the history keeps it (one JSON object a line in the plan's history file,
 * beside its journal): who, when, how it ended, and its timeline from Tamr's `statusHistory`.
 */
import type { RunOutcome } from "../../kit/run/events.ts";
import type { StepOutcome } from "../../kit/run/step_state.ts";
import type { TimelineEntry } from "../../kit/run/timeline.ts";

/** A finished run in the history. Times are RFC 3339. */
export interface RunRecord {
  /** Always 1 (the record's format). */
  version: 1;
  /** The run's id: its start, UTC, to the second (`20261202T081500Z`); `--run` takes it. */
  runId: string;
  tenant: string;
  baseUrl: string;
  dataProduct: string;
  startedAt: string;
  finishedAt: string;
  outcome: RunOutcome;
  /** From start to finish. */
  durationMs: number;
  /** Source jobs at once. */
  concurrency: number;
  /** Every step that began, with when it was created, ran and ended (see TimelineEntry). */
  timeline: TimelineEntry[];
  /**
   * Every step of the plan, in plan order, with how it ended: those that never began too
   * (`skipped`, `not_started`). Absent from the records of earlier versions, which kept only
   * `timeline`.
   */
  steps?: { step: string; outcome: StepOutcome }[];
}

/** The id of a run that started at `startedAt` (ms since the epoch): `20261202T081500Z`. */
export function runIdFor(startedAt: number): string {
  return new Date(startedAt).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}
