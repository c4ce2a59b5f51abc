/**
 * `tamr-refresh report`: writes one self-contained HTML file with a run of the plan's history (the
 * latest, or `--run ID`): its timeline as a Gantt chart and each step's trend over recent runs.
 */
import { UsageError } from "../../kit/errors.ts";
import { type LocateFlags, locatePlan } from "../history/locate.ts";
import type { RunRecord } from "../history/record.ts";
import { type History, readHistory } from "../history/store.ts";
import type { Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import { reportHtml } from "../outputs/report_html.ts";
import { durText } from "../outputs/_html.ts";

/** Where the report goes without `-o`. */
export const DEFAULT_REPORT_FILE = "tamr-refresh-report.html";
/** How many run ids an unknown `--run` lists. */
const LISTED_IDS = 10;

/** The `report` flags as commander hands them over. */
export interface ReportFlags extends LocateFlags {
  run?: string | undefined;
  out?: string | undefined;
}

/** Reads the history at `path`; a file that cannot be read is a UsageError saying why. */
async function historyAt(path: string, io: Io): Promise<History> {
  try {
    return await readHistory(path, io);
  } catch (e) {
    throw machineError(e, {
      doing: "read the run history",
      path,
      instead: "pass --state with the journal of another plan",
      hint: "Pass --state with the journal of the plan whose runs you want.",
    });
  }
}

/** The run `--run` names, or the latest; a UsageError listing the recent ids when it is not there. */
function chooseRun(
  history: History,
  wanted: string | undefined,
  where: { path: string; exists: boolean },
): RunRecord {
  const latest = history.runs[0];
  if (latest === undefined) {
    throw new UsageError(
      `No finished run of this plan is recorded yet: ${
        where.exists ? `${where.path} holds none that can be read` : `there is no ${where.path}`
      }`,
      {
        hint: "Each finished `tamr-refresh run` of the plan is recorded there. Run it once, or " +
          "check that --state (or the tenant and data product) names the plan you mean.",
      },
    );
  }
  if (wanted === undefined) return latest;
  const found = history.runs.find((r) => r.runId === wanted);
  if (found) return found;
  const ids = history.runs.slice(0, LISTED_IDS).map((r) => r.runId);
  const more = history.runs.length > ids.length
    ? `, and ${history.runs.length - ids.length} more`
    : "";
  throw new UsageError(`No run ${JSON.stringify(wanted)} in ${where.path}`, {
    hint: `Recent runs, newest first: ${ids.join(", ")}${more}. Pass one to --run, or leave ` +
      "--run out for the latest.",
  });
}

/** Runs `report`; returns the exit code (usage errors are thrown, for `main.ts` to say). */
export async function reportCommand(flags: ReportFlags, io: Io): Promise<number> {
  const plan = await locatePlan(flags, io);
  const history = await historyAt(plan.historyPath, io);
  if (history.skipped > 0) {
    io.err(
      `${history.skipped} line${history.skipped === 1 ? "" : "s"} of ${plan.historyPath} ` +
        `could not be read as a run and ${history.skipped === 1 ? "was" : "were"} left out.\n`,
    );
  }
  const run = chooseRun(history, flags.run, {
    path: plan.historyPath,
    exists: history.runs.length > 0 || history.skipped > 0 || await io.exists(plan.historyPath),
  });
  if (flags.out === "") {
    throw new UsageError("-o was given an empty path.", {
      hint: `Pass -o FILE (default ${DEFAULT_REPORT_FILE}), or -o - for standard output.`,
    });
  }
  const out = flags.out ?? DEFAULT_REPORT_FILE;
  const html = reportHtml(run, history.runs, { generatedAt: io.clock.now() });
  if (out === "-") {
    io.out(html);
    return 0;
  }
  try {
    await io.writeOutputFile(out, html);
  } catch (e) {
    throw machineError(e, {
      doing: "write the report to",
      path: out,
      instead: "pass -o with another path",
      hint: "Check that its folder exists, or pass -o with another path.",
      creating: true,
    });
  }
  // On stderr: the file may be standard output itself (-o /dev/stdout).
  const steps = run.steps?.length ?? run.timeline.length;
  io.err(
    `Wrote the report of run ${run.runId} (${run.outcome.replace("_", " ")}, ${
      durText(run.durationMs)
    }, ${steps} step${steps === 1 ? "" : "s"}) to ${out}\n`,
  );
  return 0;
}
