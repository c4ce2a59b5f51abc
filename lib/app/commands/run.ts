import { parseOutput } from "../settings/checks.ts";
import { configFileNote, requireRunSettings, resolveRunSettings } from "../settings/resolve.ts";
import type { RunFlags, RunSettings } from "../settings/types.ts";
import { createRunStore } from "../../kit/run/run_store.ts";
import type { RunStore } from "../../kit/run/run_state.ts";
import { buildPlan, type Plan } from "../../kit/run/plan.ts";
import { createJsonReporter } from "../outputs/json.ts";
import { createTextReporter } from "../outputs/text.ts";
import { runPipeline } from "../../kit/run/runner.ts";
import { TenantClock } from "../../kit/job/tenant_clock.ts";
import { createHold } from "../../kit/run/hold.ts";
import { formatPlan } from "../outputs/plan_text.ts";
import { type Io, isInteractive } from "../io.ts";
import { openRunJournal } from "../journal/setup.ts";
import { prepareEndReports } from "../outputs/end_reports.ts";
import { endView } from "../outputs/end_view.ts";
import { clientFor } from "../connect.ts";

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
  let dashboard: Promise<{ detached: boolean }> | null = null;
  const controller = new AbortController();
  io.signal.addEventListener("abort", () => controller.abort(io.signal.reason), { once: true });
  // Held by the dashboard while it asks whether to quit, and on detach: no new step starts.
  const hold = createHold();
  if (mode.interactive) {
    const { startDashboard } = await import("../../../tui/interactive.ts");
    dashboard = startDashboard(store, controller, io, { hold, resumeCommand });
  } else if (mode.output === "json") {
    store.subscribe(createJsonReporter(io.out));
    store.subscribe(createTextReporter(io.err, { verbose }));
  } else {
    store.subscribe(createTextReporter(io.out, { verbose }));
  }
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
    expectedDurations: journal.expectedDurations,
    resumedSince: journal.resumedSince,
    tenantClock,
    resumeCommand,
    firstPollMs: mode.firstPollMs,
    beforeFinish: (finish, state) => endReports.write(endView(state, finish), warn),
  });
  if (dashboard) {
    const outcome = await Promise.race([
      runPromise.then(() => null),
      dashboard,
    ]);
    if (outcome?.detached) {
      // The dashboard said what happens next (the jobs go on, later steps wait for --resume).
      await journal.flush();
      return 0;
    }
    await dashboard;
  }
  const result = await runPromise;
  await journal.finish();
  return result.exitCode;
}

/**
 * Warnings of the application (the journal, the end reports) as `warning` events on the run's
 * stream, so NDJSON readers and the dashboard see them; one raised before the run's `start` event
 * (opening the journal) waits for it.
 */
function warnOnStream(store: RunStore, io: Io): (message: string) => void {
  const early: string[] = [];
  const emit = (message: string) =>
    store.emit({ type: "warning", time: new Date(io.clock.now()).toISOString(), message });
  const off = store.subscribe((e) => {
    if (e.type !== "start") return;
    off();
    for (const message of early.splice(0)) emit(message);
  });
  return (message) => store.state.startedAt === null ? early.push(message) : emit(message);
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
