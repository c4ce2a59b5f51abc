/**
 * The interactive paths, loaded only when a terminal is there: the prompts fill in what settings
 * lack, and the dashboard draws the run's events.
 */
import { createJobClient } from "../lib/kit/api/client.ts";
import type { RunSettings, Settings } from "../lib/app/settings/config.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import { wrapWords } from "./_format.ts";
import type { RunState, RunStore } from "../lib/kit/run/run_state.ts";
import type { RunHold } from "../lib/kit/run/hold.ts";
import type { Job } from "../lib/kit/api/types.ts";
import type { Io } from "../lib/app/io.ts";
import { type AskDeps, askForInit, askForRun, type InitTarget, promptsUntil } from "./prompts.ts";
import { answeredSettings, defaultsFrom } from "./answers.ts";
import { writeConfigFile } from "./save_config.ts";
import { runDashboard } from "./dashboard_app.tsx";
import { keepOwnSignals } from "./_own_signals.ts";

keepOwnSignals();

/** Lists up to `max` recent jobs of a tenant, newest first; given up on the first interrupt. */
function recentJobsLister(io: Io): NonNullable<AskDeps["listRecentJobs"]> {
  return async (conn, { max }) => {
    io.secrets.add(conn.apiKey);
    const client = createJobClient({
      baseUrl: conn.baseUrl,
      apiKey: conn.apiKey,
      fetch: io.fetch,
      requestTimeoutMs: 15_000,
      retry: { maxAttempts: 2 },
    });
    const jobs: Job[] = [];
    for await (const job of client.listJobs({ pageSize: Math.min(30, max), signal: io.signal })) {
      jobs.push(job);
      if (jobs.length >= max) break;
    }
    return jobs;
  };
}

/** True when the settings hold every value a run needs, so nothing has to be asked. */
function complete(s: Settings): boolean {
  return s.tenant !== undefined && !!s.apiKey && s.sources.length > 0 &&
    s.dataProduct !== undefined;
}

/** The prompts' effects over the Io. */
function askDeps(io: Io, settings: Settings): AskDeps {
  return {
    prompts: promptsUntil(io.signal),
    listRecentJobs: recentJobsLister(io),
    write: io.err,
    saveConfig: writeConfigFile,
    exists: io.exists,
    usage: { command: io.selfCommand ?? "tamr-refresh", keySet: !!settings.apiKey },
  };
}

/** Asks for whatever the settings lack, then shows the plan for review; null when cancelled. */
export async function askForMissing(
  settings: Settings,
  io: Io,
  options: { review: boolean },
): Promise<RunSettings | null> {
  const answers = await askForRun(defaultsFrom(settings), askDeps(io, settings), {
    review: options.review,
    // Offer to save only what was asked for, and only when no config file was given.
    offerSave: settings.configFile === undefined && !complete(settings),
  });
  if (answers === null) return null;
  io.secrets.add(answers.apiKey);
  return answeredSettings(settings, answers);
}

/**
 * `tamr-refresh init`: the prompts without running, every value asked with the settings' (an
 * existing file's) as defaults; writes the config file at `target.path`.
 */
export async function initFlow(settings: Settings, io: Io, target: InitTarget) {
  return await askForInit(defaultsFrom(settings), askDeps(io, settings), target);
}

/** What the dashboard needs of the run beyond its events. */
export interface DashboardRun {
  /** Taken while the quit question is on screen and on detach: no new step starts. */
  hold: RunHold & { hold(): void; release(): void };
  /** The command that resumes this run; undefined when it cannot be resumed (the demo). */
  resumeCommand: string | undefined;
}

/**
 * Draws the dashboard for the run's events. `q` (confirmed) aborts the run as a SIGINT would, so
 * our jobs are stopped and the exit code is 130; `d` detaches, leaving the jobs already running
 * on Tamr (later steps wait for `--resume`), and says so once the dashboard closed. `NO_COLOR`
 * (any non-empty value) turns colour off.
 */
export async function startDashboard(
  store: RunStore,
  controller: AbortController,
  io: Pick<Io, "env" | "err" | "terminal">,
  run: DashboardRun,
): Promise<{ detached: boolean }> {
  const resumable = run.resumeCommand !== undefined;
  const result = await runDashboard({
    store,
    onQuit: () => controller.abort(new InterruptedError("SIGINT", "Quit from the dashboard")),
    onDetach: () => {},
    hold: run.hold,
    color: !io.env.NO_COLOR,
    detachEndsRun: !resumable,
  });
  if (result.detached) {
    io.err(detachedText(store.state, run.resumeCommand, io.terminal.columns?.() ?? 80));
  }
  return result;
}

/**
 * What detaching leaves behind, said once the dashboard closed: wrapped to `columns` between words,
 * the resume command on one line however long (broken, it would not paste as one).
 */
export function detachedText(
  state: RunState,
  resumeCommand: string | undefined,
  columns = 80,
): string {
  const wrap = (text: string) => wrapWords(text, Math.max(20, columns)).join("\n") + "\n";
  if (resumeCommand === undefined) {
    return wrap(
      "Detached: the demo's tenant is built in and stops with this process, so detaching " +
        "ends the demo and its jobs.",
    );
  }
  const running = state.counts.creating + state.counts.running;
  const jobs = running === 0
    ? "No job of this run is running on Tamr"
    : running === 1
    ? "The job already running keeps running on Tamr"
    : `The ${running} jobs already running keep running on Tamr`;
  return wrap(`Detached. ${jobs}; later steps will not start until you resume the run:`) +
    `  ${resumeCommand}\n`;
}
