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

/** `{"runs":[{"runId","startedAt","outcome","durationMs","steps":[{"step","outcome","waitMs","runMs"}]}]}` */
export function historyJson(runs: readonly RunRecord[]): { runs: HistoryJsonRun[] } {
  return {
    runs: runs.map((r) => ({
      runId: r.runId,
      startedAt: r.startedAt,
      outcome: r.outcome,
      durationMs: r.durationMs,
      steps: r.timeline.map((t) => ({
        step: t.step,
        outcome: t.outcome,
        waitMs: t.waitMs,
        runMs: t.runMs,
      })),
    })),
  };
}
