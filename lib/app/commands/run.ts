import { parseOutput } from "../settings/checks.ts";
import { requireRunSettings, resolveRunSettings } from "../settings/resolve.ts";
import type { RunFlags, RunSettings } from "../settings/types.ts";
import { createEventBus } from "../../kit/run/event_bus.ts";
import { buildPlan, type Plan } from "../../kit/run/plan.ts";
import { createJsonReporter } from "../outputs/json.ts";
import { createTextReporter } from "../outputs/text.ts";
import { runPipeline } from "../../kit/run/runner.ts";
import { formatPlan } from "../outputs/plan_text.ts";
import { type Io, isInteractive } from "../io.ts";
import { openRunJournal } from "../journal/setup.ts";
import type { LoadedJournal } from "../journal/file.ts";
import { attachEndReports } from "../outputs/end_reports.ts";
import { clientFor } from "../connect.ts";

/** The `run` flags beyond the config ones. */
export interface RunCommandFlags extends RunFlags {
  output?: string | undefined;
  headless?: boolean | undefined;
  dryRun?: boolean | undefined;
  state?: string | undefined;
  resume?: boolean | undefined;
  leaveRunning?: boolean | undefined;
  attach?: boolean | undefined;
  verbose?: boolean | undefined;
  junit?: string | undefined;
  notify?: string | undefined;
}

/** `tamr-refresh run`: resolves settings (prompting when interactive), then runs the plan. */
export async function runCommand(flags: RunCommandFlags, io: Io): Promise<number> {
  const output = parseOutput(flags.output);
  const { settings, journal } = await resolveRunSettings(flags, io);
  if (settings.apiKey) io.secrets.add(settings.apiKey);
  const interactive = isInteractive(io, { headless: flags.headless, output });
  let run: RunSettings;
  if (interactive) {
    const { askForMissing } = await import("../../../tui/interactive.ts");
    const answered = await askForMissing(settings, io, { review: !flags.resume });
    if (answered === null) {
      io.err("Cancelled; nothing was created.\n");
      return 0;
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
    if (output === "json") io.out(JSON.stringify({ type: "plan", ...planJson(run, plan) }) + "\n");
    else io.out(formatPlan(run, plan));
    return 0;
  }
  return await executePlan(run, plan, flags, io, { interactive, output, journal });
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
    /** The journal the settings read (with `--resume`), so it is not read again. */
    journal?: LoadedJournal | undefined;
  },
): Promise<number> {
  const bus = createEventBus();
  const endReports = attachEndReports(bus, io, flags);
  const journal = await openRunJournal({
    run,
    plan,
    flags,
    io,
    loaded: mode.journal,
    warn: (message) => io.err(`warning: ${message}\n`),
    commandForResume: `${io.selfCommand ?? "tamr-refresh"} run`,
  });
  const resumeCommand = mode.resumable === false ? undefined : journal.resumeCommand;
  const verbose = flags.verbose === true;
  const client = clientFor(run, io, {
    verbose,
    onRetry: (r) => bus.emit({ type: "retry", time: new Date(io.clock.now()).toISOString(), ...r }),
  });
  journal.attach(bus);
  let dashboard: Promise<{ detached: boolean }> | null = null;
  const controller = new AbortController();
  io.signal.addEventListener("abort", () => controller.abort(io.signal.reason), { once: true });
  if (mode.interactive) {
    const { startDashboard } = await import("../../../tui/interactive.ts");
    dashboard = startDashboard(bus, controller);
  } else if (mode.output === "json") {
    bus.subscribe(createJsonReporter(io.out));
    bus.subscribe(createTextReporter(io.err, { verbose }));
  } else {
    bus.subscribe(createTextReporter(io.out, { verbose }));
  }
  const runPromise = runPipeline({
    client,
    plan,
    tenant: run.tenant,
    baseUrl: run.baseUrl,
    emit: bus.emit,
    concurrency: run.concurrency,
    pollIntervalMs: run.pollIntervalMs,
    timeoutMs: run.timeoutMs,
    leaveRunning: flags.leaveRunning === true,
    signal: controller.signal,
    hardSignal: io.hardSignal,
    clock: io.clock,
    attach: flags.attach !== false,
    prior: journal.prior,
    expectedDurations: journal.expectedDurations,
    resumedSince: journal.resumedSince,
    resumeCommand,
  });
  if (dashboard) {
    const outcome = await Promise.race([
      runPromise.then(() => null),
      dashboard,
    ]);
    if (outcome?.detached) {
      io.err(
        `Detached: the jobs keep running on Tamr.${
          resumeCommand ? ` To pick them up again: ${resumeCommand}` : ""
        }\n`,
      );
      await journal.flush();
      return 0;
    }
    await dashboard;
  }
  const result = await runPromise;
  await journal.finish();
  await endReports.settled();
  return result.exitCode;
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
