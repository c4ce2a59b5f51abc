/**
 * The interactive paths, loaded only when a terminal is there: the prompts fill in what settings
 * lack, and the dashboard draws the run's events.
 */
import { tenantBaseUrl } from "../lib/kit/tenant.ts";
import { createJobClient } from "../lib/kit/api/client.ts";
import type { RunSettings, Settings } from "../lib/app/settings/config.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import type { RunState, RunStore } from "../lib/kit/run/run_state.ts";
import type { RunHold } from "../lib/kit/run/hold.ts";
import type { Job } from "../lib/kit/api/types.ts";
import type { Io } from "../lib/app/io.ts";
import { type AskDeps, askForInit, askForRun, promptsUntil, type RunAnswers } from "./prompts.ts";
import { writeConfigFile } from "./save_config.ts";
import { runDashboard } from "./dashboard_app.tsx";

/** Lists up to `max` recent jobs of a tenant, newest first. */
function recentJobsLister(io: Io, max = 100): NonNullable<AskDeps["listRecentJobs"]> {
  return async (conn) => {
    io.secrets.add(conn.apiKey);
    const client = createJobClient({
      baseUrl: conn.baseUrl ?? tenantBaseUrl(conn.tenant),
      apiKey: conn.apiKey,
      fetch: io.fetch,
      requestTimeoutMs: 15_000,
      retry: { maxAttempts: 2 },
    });
    const jobs: Job[] = [];
    for await (const job of client.listJobs({ pageSize: 30 })) {
      jobs.push(job);
      if (jobs.length >= max) break;
    }
    return jobs;
  };
}

function defaultsFrom(s: Settings): Partial<RunAnswers> {
  const d: Partial<RunAnswers> = {};
  if (s.tenant !== undefined) d.tenant = s.tenant;
  if (s.baseUrl !== undefined) d.baseUrl = s.baseUrl;
  if (s.apiKey) d.apiKey = s.apiKey;
  if (s.sources.length > 0) d.sources = s.sources;
  if (s.dataProduct !== undefined) d.dataProduct = s.dataProduct;
  // Once the plan's required values are known, the optional ones are known too: none unless given.
  const planKnown = s.sources.length > 0 && s.dataProduct !== undefined;
  if (s.workflow !== undefined || planKnown) d.workflow = s.workflow ?? "";
  if (s.destinations.length > 0 || planKnown) d.destinations = s.destinations;
  return d;
}

/** True when the settings hold every value a run needs, so nothing has to be asked. */
function complete(s: Settings): boolean {
  return s.tenant !== undefined && !!s.apiKey && s.sources.length > 0 &&
    s.dataProduct !== undefined;
}

/** Asks for whatever the settings lack, then shows the plan for review; null when cancelled. */
export async function askForMissing(
  settings: Settings,
  io: Io,
  options: { review: boolean },
): Promise<RunSettings | null> {
  const answers = await askForRun(defaultsFrom(settings), {
    prompts: promptsUntil(io.signal),
    listRecentJobs: recentJobsLister(io),
    write: io.err,
    saveConfig: writeConfigFile,
  }, {
    review: options.review,
    // Offer to save only what was asked for, and only when no config file was given.
    offerSave: settings.configFile === undefined && !complete(settings),
  });
  if (answers === null) return null;
  io.secrets.add(answers.apiKey);
  const baseUrl = answers.baseUrl ?? settings.baseUrl ?? tenantBaseUrl(answers.tenant);
  return {
    ...settings,
    tenant: answers.tenant,
    baseUrl,
    apiKey: answers.apiKey,
    sources: answers.sources,
    dataProduct: answers.dataProduct,
    workflow: answers.workflow || undefined,
    destinations: answers.destinations,
  };
}

/** `tamr-refresh init`: the prompts without running; writes the config file. */
export async function initFlow(settings: Settings, io: Io, path: string | undefined) {
  return await askForInit(defaultsFrom(settings), {
    prompts: promptsUntil(io.signal),
    listRecentJobs: recentJobsLister(io),
    write: io.err,
    saveConfig: writeConfigFile,
  }, path !== undefined ? { path } : {});
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
  io: Pick<Io, "env" | "err">,
  run: DashboardRun,
): Promise<{ detached: boolean }> {
  const resumable = run.resumeCommand !== undefined;
  const result = await runDashboard({
    store,
    onQuit: () => controller.abort(new InterruptedError("SIGINT")),
    onDetach: () => {},
    hold: run.hold,
    color: !io.env.NO_COLOR,
    detachEndsRun: !resumable,
  });
  if (result.detached) io.err(detachedText(store.state, run.resumeCommand));
  return result;
}

/** What detaching leaves behind, said once the dashboard closed. */
export function detachedText(state: RunState, resumeCommand: string | undefined): string {
  if (resumeCommand === undefined) {
    return "Detached: the demo's tenant is built in and stops with this process, so detaching " +
      "ends the demo and its jobs.\n";
  }
  const running = state.counts.creating + state.counts.running;
  const jobs = running === 0
    ? "No job of this run is running on Tamr"
    : running === 1
    ? "The job already running keeps running on Tamr"
    : `The ${running} jobs already running keep running on Tamr`;
  return `Detached. ${jobs}; later steps will not start until you resume the run:\n` +
    `  ${resumeCommand}\n`;
}
