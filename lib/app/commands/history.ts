/** `tamr-refresh history`: the recent runs of a plan, and each step's trend. */
import { UsageError } from "../../kit/errors.ts";
import type { Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import { historyJson } from "../outputs/history_json.ts";
import { historyText } from "../outputs/history_text.ts";
import { type LocateFlags, locatePlan } from "../history/locate.ts";
import { HISTORY_LIMIT, readHistory } from "../history/store.ts";
import { parseOutput } from "../settings/checks.ts";

/** The `history` flags. */
export interface HistoryFlags extends LocateFlags {
  limit?: string | undefined;
  output?: string | undefined;
}

/** How many runs `history` shows when not told. */
export const DEFAULT_HISTORY_RUNS = 10;

/**
 * Prints the plan's recent runs, newest first: text (runs, then per-step trends) or one JSON
 * object. No history yet is a sentence naming the file looked at, and exit 0.
 */
export async function historyCommand(flags: HistoryFlags, io: Io): Promise<number> {
  const output = parseOutput(flags.output);
  const limit = parseLimit(flags.limit);
  const { historyPath } = await locatePlan(flags, io);
  const history = await readHistory(historyPath, io).catch((e: unknown) => {
    throw machineError(e, {
      doing: "read the run history",
      path: historyPath,
      instead: "pass --state with the run's journal",
      hint: "Pass --state with the journal of the run whose history you want.",
    });
  });
  if (history.skipped > 0) {
    const n = history.skipped;
    io.err(
      `${n} line${n === 1 ? "" : "s"} of ${historyPath} could not be read and ${
        n === 1 ? "was" : "were"
      } left out.\n`,
    );
  }
  const runs = history.runs.slice(0, limit);
  if (output === "json") {
    io.out(JSON.stringify(historyJson(runs)) + "\n");
    if (runs.length === 0) io.err(noHistory(historyPath));
    return 0;
  }
  // A terminal's own width; a file or pipe gets HISTORY_WIDTH.
  const width = io.terminal.stdout ? io.terminal.columns?.() : undefined;
  io.out(
    runs.length === 0 ? noHistory(historyPath) : historyText(runs, history.runs.length, width),
  );
  return 0;
}

function noHistory(path: string): string {
  return `No runs recorded yet for this plan: there is no history at ${path}. ` +
    `Each run that creates a job adds one.\n`;
}

/** `--limit N`: a whole number from 1 to HISTORY_LIMIT; default DEFAULT_HISTORY_RUNS. */
function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_HISTORY_RUNS;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 1 || n > HISTORY_LIMIT) {
    throw new UsageError(
      `--limit must be a whole number from 1 to ${HISTORY_LIMIT}, got ${JSON.stringify(raw)}`,
      { hint: `A history keeps the newest ${HISTORY_LIMIT} runs.` },
    );
  }
  return n;
}
