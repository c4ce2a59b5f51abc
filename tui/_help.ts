/** The help, shown in place of the steps on `?`. */
import { BAR_CHARS } from "./_format.ts";
import type { Part } from "./_line.ts";

/** The help's lines: the keys, then the marks and the bar. */
export function help(detachEndsRun: boolean): Part[][] {
  const detach = detachEndsRun
    ? "  d          detach: ends the demo (its tenant stops with the dashboard)"
    : "  d          detach: jobs keep running in Tamr; the rest waits for --resume";
  return [
    [{ text: "Keys", tone: "bold" }],
    [{ text: "  q, Ctrl-C  quit: asks first, then stops the jobs this run started and exits" }],
    [{ text: detach }],
    [{ text: "  ?, Esc     close this help" }],
    [{ text: "Marks", tone: "bold" }],
    [{ text: "  ⠋ creating, running or stopping   " }, { text: "✔ succeeded", tone: "green" }],
    [
      { text: "  " },
      { text: "✖ failed", tone: "red" },
      { text: "   " },
      { text: "■ stopped", tone: "yellow" },
      { text: "   " },
      { text: "⏱ timed out", tone: "red" },
    ],
    [{
      text: "  ○ waiting or queued (not started, once the run ended)   – skipped (an earlier step" +
        " did not succeed)",
      tone: "dim",
    }],
    [{
      text: `  Bar: ${BAR_CHARS.succeeded} succeeded  ${BAR_CHARS.failed} failed  ` +
        `${BAR_CHARS.stopped} stopped  ${BAR_CHARS.skipped} skipped  ${BAR_CHARS.todo} to do`,
    }],
    [{ text: "  ↻N  requests for this step were retried N times", tone: "yellow" }],
    [{ text: "Times", tone: "bold" }],
    [{ text: "  3m12s / ~5m  time so far / usual time (median of earlier runs)" }],
    [
      { text: "  " },
      { text: "slower than usual", tone: "yellow" },
      { text: "  longer than 90% of earlier runs   ends ~14:32  expected end of the run" },
    ],
  ];
}
