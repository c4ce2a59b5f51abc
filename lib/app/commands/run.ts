import { parseOutput } from "../settings/checks.ts";
import { configFileNote, requireRunSettings, resolveRunSettings } from "../settings/resolve.ts";
import type { RunFlags, RunSettings } from "../settings/types.ts";
import { createRunStore } from "../../kit/run/run_store.ts";
import { buildPlan, type Plan } from "../../kit/run/plan.ts";
import { runPipeline } from "../../kit/run/runner.ts";
import { TenantClock } from "../../kit/job/tenant_clock.ts";
import { createHold } from "../../kit/run/hold.ts";
import { formatPlan } from "../outputs/plan_text.ts";
import { type Io, isInteractive } from "../io.ts";
import { openRunJournal, type RunJournal } from "../journal/setup.ts";
import type { JobClient } from "../../kit/api/types.ts";
import { prepareEndReports } from "../outputs/end_reports.ts";
import { endView } from "../outputs/end_view.ts";
import { clientFor } from "../connect.ts";
import { awaitRunEnd, showRun } from "./_run_views.ts";
import { warnOnStream } from "./_warn_on_stream.ts";
import { openRunHistory } from "../history/run_history.ts";
import { expectedForRun } from "../history/learn_first.ts";

/** The `run` flags beyond the config ones. */
export interface RunCommandFlags extends RunFlags {
  output?: string | undefined;
  headless?: boolean | undefined;
  dryRun?: boolean | undefined;
  state?: string | undefined;
  resume?: boolean | undefined;
  fresh?: boolean | undefined;
  leaveRunning?: boolean | undefined;
  attach?: boolean | undefined;
  verbose?: boolean | undefined;
  junit?: string | undefined;
  notify?: string | undefined;
}

/** `tamr-refresh run`: resolves settings (prompting when interactive), then runs the plan. */
export async function runCommand(flags: RunCommandFlags, io: Io): Promise<number> {
  const output = parseOutput(flags.output);
  // Checked first, before any prompt and for a dry run too: a dry run refuses what the run would.
  prepareEndReports(io, flags);
  const { settings } = await resolveRunSettings(flags, io);
  const note = configFileNote(settings);
  if (note) io.err(`${note}\n`);
  if (settings.apiKey) io.secrets.add(settings.apiKey);
  const interactive = isInteractive(io, { headless: flags.headless, output });
  let run: RunSettings;
  if (interactive) {
    const { askForMissing } = await import("../../../tui/interactive.ts");
    const answered = await askForMissing(settings, io, { review: !flags.resume });
    if (answered === null) {
      io.err("Cancelled; nothing was created.\n");
      return 130; // as Ctrl-C at a prompt (see `run --help`)
    }
    run = answered;
  } else {
    run = requireRunSettings(settings, { needKey: !flags.dryRun });
  }
  const plan = buildPlan({
    sources: run.sources,
    dataProduct: run.dataProduct,
    workflow: run.workflow,
    destinations: run.destinations,
  });
  if (flags.dryRun) {
    if (output === "json") {
      const time = new Date(io.clock.now()).toISOString();
      io.out(JSON.stringify({ type: "plan", time, version: 1, ...planJson(run, plan) }) + "\n");
    } else io.out(formatPlan(run, plan));
    return 0;
  }
  return await executePlan(run, plan, flags, io, { interactive, output });
}

/** Runs a resolved plan with the reporters or the dashboard; shared by `run` and `demo`. */
export async function executePlan(
  run: RunSettings,
  plan: Plan,
  flags: RunCommandFlags,
  io: Io,
  mode: {
    interactive: boolean;
    output: "text" | "json";
    /** False for the demo, whose tenant and journal are gone once it ends. */
    resumable?: boolean;
    /** The wait before a job's first poll, when not the default (the demo's `--speed`). */
    firstPollMs?: number | undefined;
  },
): Promise<number> {
  const store = createRunStore();
  const warn = warnOnStream(store, io);
  const endReports = prepareEndReports(io, flags);
  // Held by this run alone (another run holding it: exit 5); let go of on every way out.
  await using journal = await openRunJournal({
    run,
    plan,
    flags,
    io,
    warn,
    commandForResume: `${io.selfCommand ?? "tamr-refresh"} run`,
  });
  const resumeCommand = mode.resumable === false ? undefined : journal.resumeCommand;
  const verbose = flags.verbose === true;
  // The tenant's clock, from the Date header of every answer: finding a job we may have made
  // compares the tenant's times with ours.
  const tenantClock = new TenantClock(() => io.clock.now());
  const client = clientFor(run, io, { verbose, tenantClock });
  journal.attach(store);
  const controller = new AbortController();
  io.signal.addEventListener("abort", () => controller.abort(io.signal.reason), { once: true });
  // Held by the dashboard while it asks whether to quit, and on detach: no new step starts.
  const hold = createHold();
  const { dashboard } = await showRun(store, controller, io, {
    interactive: mode.interactive,
    output: mode.output,
    verbose,
    hold,
    resumeCommand,
  });
  const { history, expected } = await historyOf(run, plan, {
    journal,
    resumed: flags.resume === true,
    io,
    warn,
    client,
    signal: controller.signal,
  });
  const runPromise = runPipeline({
    client,
    plan,
    tenant: run.tenant,
    baseUrl: run.baseUrl,
    store,
    concurrency: run.concurrency,
    pollIntervalMs: run.pollIntervalMs,
    timeoutMs: run.timeoutMs,
    leaveRunning: flags.leaveRunning === true,
    signal: controller.signal,
    hold,
    hardSignal: io.hardSignal,
    clock: io.clock,
    attach: flags.attach !== false,
    prior: journal.prior,
    expected,
    resumedSince: journal.resumedSince,
    earlierMs: journal.earlierMs,
    tenantClock,
    resumeCommand,
    firstPollMs: mode.firstPollMs,
    beforeFinish: async (finish, state) => {
      await endReports.write(endView(state, finish), warn);
      await history.record(finish, state);
    },
  });
  return await awaitRunEnd(runPromise, dashboard, journal);
}

/**
 * The plan's earlier runs (and, for steps they never ran, the tenant's): the history this run is
 * recorded in, and what each step takes.
 */
async function historyOf(
  run: RunSettings,
  plan: Plan,
  o: {
    journal: RunJournal;
    resumed: boolean;
    io: Io;
    warn: (message: string) => void;
    client: JobClient;
    signal: AbortSignal;
  },
) {
  const history = await openRunHistory({
    journal: o.journal,
    resumed: o.resumed,
    run: {
      tenant: run.tenant,
      baseUrl: run.baseUrl,
      dataProduct: plan.dataProduct,
      concurrency: run.concurrency,
    },
    io: o.io,
    warn: o.warn,
  });
  const expected = await expectedForRun({ runs: history.runs, journal: o.journal }, {
    client: o.client,
    plan,
    signal: o.signal,
    clock: o.io.clock,
    warn: o.warn,
  });
  return { history, expected };
}

/** The plan with the exact request bodies, as `--dry-run --output json` prints it. */
export function planJson(run: RunSettings, plan: Plan) {
  return {
    tenant: run.tenant,
    baseUrl: run.baseUrl,
    dataProduct: plan.dataProduct,
    concurrency: run.concurrency,
    steps: plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      request: {
        method: "POST",
        path: "/api/v1beta1/jobs",
        body: { configuration: s.configuration },
      },
    })),
  };
}
