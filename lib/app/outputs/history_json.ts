/** `tamr-refresh history --output json`: one object, the runs newest first. */
import type { RunRecord } from "../history/record.ts";

/** One run as `history --output json` prints it. */
export interface HistoryJsonRun {
  runId: string;
  startedAt: string;
  outcome: string;
  durationMs: number;
  steps: { step: string; outcome: string; waitMs: number | null; runMs: number | null }[];
}

/**
 * `{"runs":[{"runId","startedAt","outcome","durationMs","steps":[{"step","outcome","waitMs","runMs"}]}]}`:
 * every step of the plan, those that never began (`skipped`, `not_started`) with null times. A
 * record of an earlier version, which kept only the steps that began, lists those.
 */
export function historyJson(runs: readonly RunRecord[]): { runs: HistoryJsonRun[] } {
  return {
    runs: runs.map((r) => {
      const times = new Map(r.timeline.map((t) => [t.step, t]));
      return {
        runId: r.runId,
        startedAt: r.startedAt,
        outcome: r.outcome,
        durationMs: r.durationMs,
        steps: (r.steps ?? r.timeline).map((s) => ({
          step: s.step,
          outcome: s.outcome,
          waitMs: times.get(s.step)?.waitMs ?? null,
          runMs: times.get(s.step)?.runMs ?? null,
        })),
      };
    }),
  };
}
