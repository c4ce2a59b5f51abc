import { type Clock, realClock } from "../clock.ts";
import { ApiError, InterruptedError, JobFailedError, JobTimeoutError } from "../errors.ts";
import type { Emit, RunEvent, RunOutcome, StepEvent, StepState, StepSummary } from "./events.ts";
import type { Plan, PlanStep } from "./plan.ts";
import { waitForJob } from "../job/poller.ts";
import { findLostCreate, findMatchingJob, findResumableJob } from "../job/find.ts";
import { canonicalJson, type Job, type JobClient, type JobError } from "../api/types.ts";
import {
  initialViewState,
  isFinalState,
  reduce,
  type StepView,
  summarize,
  type ViewState,
} from "./run_state.ts";

/**
 * What a resumed run knows of a step from its journal.
 *
 * @example
 * ```ts
 * import type { PriorStep } from "@tamr-refresh/kit";
 *
 * // load:s1 finished in the earlier run; load:s2's job was created and is polled again.
 * const prior = new Map<string, PriorStep>([
 *   ["load:s1", { jobId: "job_1", outcome: "succeeded" }],
 *   ["load:s2", { jobId: "job_2" }],
 * ]);
 * ```
 */
export interface PriorStep {
  /** The job the earlier run created or attached to for this step. */
  jobId?: string | undefined;
  /** How the step ended in the earlier run, when it did. */
  outcome?: string | undefined;
}

/**
 * What `runPipeline()` needs: a client, a plan, where events go, and how to pace the run.
 *
 * @example
 * ```ts
 * import { buildPlan, type JobClient, type RunOptions } from "@tamr-refresh/kit";
 *
 * const optionsFor = (client: JobClient): RunOptions => ({
 *   client,
 *   plan: buildPlan({ sources: ["src_crm"], dataProduct: "dp_customers" }),
 *   tenant: "acme",
 *   baseUrl: "https://acme.tamr.cloud",
 *   emit: (e) => e.type === "finish" && Deno.stdout.writeSync(new TextEncoder().encode(e.outcome)),
 *   concurrency: 4,
 *   pollIntervalMs: 30_000,
 *   timeoutMs: 2 * 3_600_000,
 * });
 * ```
 */
export interface RunOptions {
  /** The job client for the tenant. */
  client: JobClient;
  /** The steps to run, from `buildPlan()`. */
  plan: Plan;
  /** The tenant's name, for the `start` event. */
  tenant: string;
  /** The base URL, for the `start` event. */
  baseUrl: string;
  /** Receives every event of the run, in order. */
  emit: Emit;
  /** Source jobs at once, 1–50. */
  concurrency?: number;
  /** The longest wait between two polls of a job. */
  pollIntervalMs?: number;
  /** Per job: past it the job is stopped (unless leaveRunning) and the run exits 3. */
  timeoutMs?: number;
  /** On interrupt or timeout, leave remote jobs running instead of stopping them. */
  leaveRunning?: boolean;
  /** Abort with an InterruptedError as reason to interrupt the run (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Abort to give up at once, even on stopping jobs (the second signal). */
  hardSignal?: AbortSignal;
  /** Where time comes from; default the real clock. */
  clock?: Clock;
  /** How long to wait for stopped jobs to reach DONE on interrupt. */
  stopGraceMs?: number;
  /** How long to wait before trying a create again when the tenant is at its job limit (429). */
  slotWaitMs?: number;
  /** Look for an unfinished job with the same configuration before creating one. */
  attach?: boolean;
  /** Steps already known from a journal (`--resume`), by step id. */
  prior?: ReadonlyMap<string, PriorStep> | undefined;
  /** Expected durations of steps from earlier runs, for duration-aware polling. */
  expectedDurations?: ReadonlyMap<string, number> | undefined;
  /**
   * For `--resume`: when the journal's run began (ms since the epoch). A step the journal has no
   * live job for first looks for one with its configuration created since then, so a create
   * whose answer never reached the journal (a kill -9) is not made twice.
   */
  resumedSince?: number | undefined;
  /** The wait before a job's first poll (default 1 second; never more than `pollIntervalMs`). */
  firstPollMs?: number | undefined;
  /** The command that continues this run, shown when it ends early. */
  resumeCommand?: string | undefined;
}

/**
 * How a run ended; the same as its `finish` event.
 *
 * @example
 * ```ts
 * import { type RunOptions, runPipeline } from "@tamr-refresh/kit";
 *
 * export async function runAndExit(options: RunOptions): Promise<never> {
 *   const result = await runPipeline(options);
 *   Deno.exit(result.exitCode);
 * }
 * ```
 */
export interface RunResult {
  /** How the run ended. */
  outcome: RunOutcome;
  /** The exit code of the contract. */
  exitCode: number;
  /** Every step's outcome, in plan order. */
  steps: StepSummary[];
  /** Why the run ended this way, as a sentence. */
  message: string;
}

type StepEnd =
  | { state: "succeeded" }
  | { state: "failed" | "stopped" | "timed_out"; error: JobError }
  | { state: "error"; error: Error }
  | { state: "skipped" }
  | { state: "interrupted" };

const EXIT: Record<RunOutcome, number> = {
  succeeded: 0,
  failed: 1,
  timed_out: 3,
  error: 4,
  interrupted: 130,
};

/**
 * Walks the plan: sources up to `concurrency` at once, then the data product, then the index and
 * publishes. Emits typed events for every change; never throws for an expected failure.
 *
 * @example
 * ```ts
 * import { buildPlan, createJobClient, runPipeline } from "@tamr-refresh/kit";
 *
 * export async function refreshCustomers(apiKey: string): Promise<number> {
 *   const baseUrl = "https://acme.tamr.cloud";
 *   const result = await runPipeline({
 *     client: createJobClient({ baseUrl, apiKey }),
 *     plan: buildPlan({
 *       sources: ["src_crm", "src_erp"],
 *       dataProduct: "dp_customers",
 *       destinations: ["dest_snowflake"],
 *     }),
 *     tenant: "acme",
 *     baseUrl,
 *     emit: (e) => {
 *       if (e.type === "step") Deno.stderr.writeSync(new TextEncoder().encode(`${e.step} ${e.state}\n`));
 *     },
 *   });
 *   return result.exitCode; // 0 when every step succeeded
 * }
 * ```
 */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? realClock;
  const concurrency = options.concurrency ?? 4;
  const { client, plan } = options;
  // The run's own view of its steps, for the finish event. Each event is folded into its step
  // alone, so an event costs the same with 1,000 steps as with 10 (folding the whole view copies
  // every step on every event, which at 1,000 steps is most of the run's memory churn).
  let base: ViewState = initialViewState;
  const stepViews = new Map<string, StepView>();
  const emit = (e: RunEvent) => {
    if (e.type === "start") {
      base = reduce(initialViewState, e);
      for (const s of base.steps) stepViews.set(s.id, s);
    } else if ((e.type === "step" || e.type === "retry") && e.step !== undefined) {
      const s = stepViews.get(e.step);
      if (s) stepViews.set(e.step, reduce({ ...base, steps: [s] }, e).steps[0] ?? s);
    }
    options.emit(e);
  };
  const now = () => new Date(clock.now()).toISOString();
  const stepEvent = (step: PlanStep, state: StepState, extra: Partial<StepEvent> = {}) =>
    emit({
      type: "step",
      time: now(),
      step: step.id,
      kind: step.kind,
      target: step.target,
      state,
      ...extra,
    });

  emit({
    type: "start",
    time: now(),
    version: 1,
    tenant: options.tenant,
    baseUrl: options.baseUrl,
    dataProduct: plan.dataProduct,
    concurrency,
    steps: plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
    })),
  });

  const signal = options.signal ?? new AbortController().signal;
  const ends = new Map<string, StepEnd>();
  /** Jobs we created or attached to and have not seen finish, by step id. */
  const live = new Map<string, string>();
  const running = new Set<Promise<void>>();
  let firstError: Error | null = null;

  const runStep = async (step: PlanStep): Promise<StepEnd> => {
    const prior = options.prior?.get(step.id);
    let jobId: string;
    let jobState: string | undefined;
    let attached = false;
    if (
      prior?.jobId && prior.outcome !== "failed" && prior.outcome !== "timed_out" &&
      prior.outcome !== "stopped"
    ) {
      jobId = prior.jobId;
      attached = true;
      warn(`Resuming: polling job ${jobId} again instead of creating a new one.`, step.id);
    } else {
      stepEvent(step, "creating");
      const created = await createOrAttach(step).catch((e: unknown) => {
        // Looking for an existing job failed: the step failed on the API, not unexpectedly.
        if (!(e instanceof ApiError)) throw e;
        stepEvent(step, "failed", { error: { reason: "API_ERROR", message: e.message } });
        return { end: { state: "error", error: e } as StepEnd };
      });
      if ("end" in created) return created.end;
      jobId = created.job.jobId;
      jobState = created.job.status?.state;
      attached = created.attached;
    }
    live.set(step.id, jobId);
    stepEvent(step, "running", {
      jobId,
      ...(jobState ? { jobState } : {}),
      ...(attached ? { attached: true } : {}),
    });
    if (signal.aborted) return { state: "interrupted" };
    let lastState = jobState ?? "";
    try {
      const expected = options.expectedDurations?.get(step.id);
      const job = await waitForJob(client, jobId, {
        signal,
        timeoutMs: options.timeoutMs ?? 2 * 3_600_000,
        maxIntervalMs: options.pollIntervalMs ?? 30_000,
        ...(options.firstPollMs !== undefined ? { firstIntervalMs: options.firstPollMs } : {}),
        leaveRunning: options.leaveRunning ?? false,
        clock,
        ...(expected !== undefined ? { expectedDurationMs: expected } : {}),
        onPoll: (j: Job) => {
          if (j.status.state !== lastState) {
            lastState = j.status.state;
            const state: StepState = j.status.state === "STOPPING" ? "stopping" : "running";
            if (j.status.state !== "DONE") stepEvent(step, state, { jobId, jobState: lastState });
          }
        },
        onWarning: (message: string) => warn(message, step.id, jobId),
        onStopRequested: () => stepEvent(step, "stopping", { jobId }),
      });
      live.delete(step.id);
      stepEvent(step, "succeeded", { jobId, jobState: job.status.state, ...jobDuration(job) });
      return { state: "succeeded" };
    } catch (e) {
      if (e instanceof JobFailedError) {
        live.delete(step.id);
        const error = { reason: e.reason, message: e.tamrMessage };
        const state = e.reason === "STOPPED_BY_USER" ? "stopped" : "failed";
        stepEvent(step, state, { jobId, jobState: "DONE", error });
        return { state, error };
      }
      if (e instanceof JobTimeoutError) {
        if (e.stopped) live.delete(step.id);
        const error = {
          reason: "TIMED_OUT",
          message: e.stopped
            ? `The job ran past the timeout and was stopped.`
            : `The job ran past the timeout and was left running.`,
        };
        stepEvent(step, "timed_out", { jobId, error });
        return { state: "timed_out", error };
      }
      if (e instanceof ApiError) {
        stepEvent(step, "failed", {
          jobId,
          error: { reason: "API_ERROR", message: e.message },
        });
        return { state: "error", error: e };
      }
      if (signal.aborted) return { state: "interrupted" };
      throw e;
    }
  };

  /** Creates the step's job, waiting for a slot on 429 and looking before re-sending an ambiguous create. */
  const createOrAttach = async (
    step: PlanStep,
  ): Promise<{ job: Job; attached: boolean } | { end: StepEnd }> => {
    let waitedForSlot = false;
    let ambiguousTries = 0;
    if (options.resumedSince !== undefined) {
      const found = await findResumableJob(client, step.configuration, options.resumedSince);
      if (found) {
        warn(
          `Resuming: found job ${found.jobId} that this run created for ${step.id} before it was ` +
            `cut off; attaching to it instead of creating another.`,
          step.id,
          found.jobId,
        );
        return { job: found, attached: true };
      }
    }
    if (options.attach && (await mayHaveLeftover(step))) {
      const found = await findMatchingJob(client, step.configuration, { unfinishedOnly: true });
      if (found) {
        warn(
          `Found job ${found.jobId} already running ${step.id}; attaching to it instead of creating another.`,
          step.id,
          found.jobId,
        );
        return { job: found, attached: true };
      }
    }
    while (true) {
      if (signal.aborted) return { end: { state: "interrupted" } };
      const sentAt = clock.now();
      try {
        const job = await client.createJob(step.configuration, {
          signal: options.hardSignal,
        });
        return { job, attached: false };
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.status === 429) {
          if (!waitedForSlot) {
            warn(
              "The tenant is at its limit of running jobs; waiting for a free slot before creating " +
                step.id + ".",
              step.id,
            );
            waitedForSlot = true;
          }
          stepEvent(step, "queued");
          try {
            await clock.sleep(options.slotWaitMs ?? 5_000, signal);
          } catch {
            return { end: { state: "interrupted" } };
          }
          stepEvent(step, "creating");
          continue;
        }
        if (e.ambiguous) {
          // Look every time, the last try included: a job it made must not be left untracked.
          const found = await findLostCreate(client, step.configuration, sentAt);
          if (found) {
            warn(
              `The answer to creating ${step.id} was lost; found job ${found.jobId} it created and attached to it.`,
              step.id,
              found.jobId,
            );
            return { job: found, attached: true };
          }
        }
        if (e.ambiguous && ambiguousTries < 3) {
          ambiguousTries++;
          warn(
            `The answer to creating ${step.id} was lost and no such job exists; creating it again.`,
            step.id,
          );
          continue;
        }
        stepEvent(step, "failed", { error: { reason: "API_ERROR", message: e.message } });
        return { end: { state: "error", error: e } };
      }
    }
  };

  // Attaching is for a job an earlier run left running. One look at the tenant's unfinished jobs
  // when the first step starts tells which steps can have one, and only those look again right
  // before their create: the others cost no request for it (looking before every create made 3 to
  // 4 list requests per job with 1,000 sources, most of the run's requests).
  let leftovers: Promise<Set<string>> | undefined;
  const mayHaveLeftover = async (step: PlanStep): Promise<boolean> => {
    leftovers ??= unfinishedConfigurations(client);
    return (await leftovers).has(canonicalJson(step.configuration));
  };

  const warn = (message: string, step?: string, jobId?: string) =>
    emit({
      type: "warning",
      time: now(),
      message,
      ...(step ? { step } : {}),
      ...(jobId ? { jobId } : {}),
    });

  // Steps a resumed run already finished.
  for (const step of plan.steps) {
    const prior = options.prior?.get(step.id);
    if (prior?.outcome === "succeeded") {
      ends.set(step.id, { state: "succeeded" });
      stepEvent(step, "succeeded", prior.jobId ? { jobId: prior.jobId } : {});
    }
  }

  // The scheduler: start every ready step, loads limited to `concurrency`, until nothing can start.
  // Plan order puts every step after its dependencies, so one pass settles skips in cascade.
  const started = new Set<string>(ends.keys());
  const order = longestFirst(plan.steps, options.expectedDurations);
  let loadsRunning = 0;
  let wake: () => void = () => {};
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  try {
    while (true) {
      for (const step of signal.aborted ? [] : order) {
        if (started.has(step.id)) continue;
        const depEnds = step.dependsOn.map((d) => ends.get(d));
        if (depEnds.some((d) => d !== undefined && d.state !== "succeeded")) {
          started.add(step.id);
          ends.set(step.id, { state: "skipped" });
          stepEvent(step, "skipped");
          continue;
        }
        if (depEnds.some((d) => d === undefined)) continue;
        if (step.kind === "load" && loadsRunning >= concurrency) continue;
        started.add(step.id);
        if (step.kind === "load") loadsRunning++;
        const p: Promise<void> = runStep(step)
          .catch((e): StepEnd => {
            // An unexpected error in one step: record it and let the others finish.
            const error = e instanceof Error ? e : new Error(String(e));
            warn(`${step.id} ended with an unexpected error: ${error.message}`, step.id);
            return { state: "error", error };
          })
          .then((end) => {
            ends.set(step.id, end);
            if (end.state === "error") firstError ??= end.error;
          })
          .finally(() => {
            if (step.kind === "load") loadsRunning--;
            running.delete(p);
            wake();
          });
        running.add(p);
      }
      if (running.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }

  // Interrupted: stop what we started and confirm it reached DONE, unless asked to leave it running.
  const interrupted = signal.aborted;
  if (interrupted && live.size > 0 && !options.leaveRunning) await stopAll();

  const reason: unknown = signal.reason;
  // Assigned inside the step callbacks, which the compiler cannot follow.
  const error = firstError as Error | null;
  const endStates = new Set([...ends.values()].map((e) => e.state));
  const outcome: RunOutcome = interrupted
    ? "interrupted"
    : error
    ? "error"
    : endStates.has("timed_out")
    ? "timed_out"
    : endStates.has("failed") || endStates.has("stopped")
    ? "failed"
    : "succeeded";
  const exitCode = outcome === "interrupted"
    ? (reason instanceof InterruptedError && reason.signal === "SIGTERM" ? 143 : 130)
    : outcome === "error" && !(error instanceof ApiError)
    ? 1
    : EXIT[outcome];
  const view: ViewState = { ...base, steps: [...stepViews.values()] };
  const message = describe(outcome, view, error, reason);
  const endedEarly = outcome !== "succeeded";
  emit({
    type: "finish",
    time: now(),
    outcome,
    exitCode,
    steps: summarize(view),
    message,
    ...(endedEarly && options.resumeCommand ? { resumeCommand: options.resumeCommand } : {}),
  });
  return { outcome, exitCode, steps: summarize(view), message };

  async function stopAll(): Promise<void> {
    const grace = options.stopGraceMs ?? 60_000;
    const hard = options.hardSignal;
    await Promise.all([...live.entries()].map(async ([stepId, jobId]) => {
      const step = plan.steps.find((s) => s.id === stepId)!;
      try {
        stepEvent(step, "stopping", { jobId });
        await client.stopJob(jobId, { signal: hard });
        const job = await waitForJob(client, jobId, {
          timeoutMs: grace,
          maxIntervalMs: 2_000,
          firstIntervalMs: Math.min(250, options.firstPollMs ?? 250),
          leaveRunning: true,
          clock,
          ...(hard ? { signal: hard } : {}),
        });
        live.delete(stepId);
        stepEvent(step, "succeeded", { jobId, jobState: job.status.state });
      } catch (e) {
        if (e instanceof JobFailedError) {
          live.delete(stepId);
          stepEvent(step, "stopped", {
            jobId,
            jobState: "DONE",
            error: { reason: e.reason, message: e.tamrMessage },
          });
        } else {
          warn(
            `Could not confirm that job ${jobId} stopped: ${
              e instanceof Error ? e.message : String(e)
            }`,
            stepId,
            jobId,
          );
        }
      }
    }));
  }
}

/**
 * With durations from earlier runs, sources start longest first (LPT), so the slots tend to free
 * up together and the data product starts sooner; sources without history go first (they may be
 * long). Only the order among sources changes: every other step keeps its place.
 */
function longestFirst(
  steps: readonly PlanStep[],
  expected: ReadonlyMap<string, number> | undefined,
): readonly PlanStep[] {
  if (!expected || expected.size === 0) return steps;
  const isSource = (s: PlanStep) => s.kind === "load" && s.dependsOn.length === 0;
  const key = (s: PlanStep) => expected.get(s.id) ?? Number.POSITIVE_INFINITY;
  const sources = steps.filter(isSource).sort((a, b) =>
    key(a) === key(b) ? 0 : key(a) > key(b) ? -1 : 1
  );
  let i = 0;
  return steps.map((s) => isSource(s) ? sources[i++]! : s);
}

/** The configurations of unfinished jobs among the tenant's 100 most recent (where attach looks). */
async function unfinishedConfigurations(client: JobClient): Promise<Set<string>> {
  const out = new Set<string>();
  let seen = 0;
  for await (const job of client.listJobs({ pageSize: 30 })) {
    if (++seen > 100) break;
    if (job.status?.state !== "DONE") out.add(canonicalJson(job.configuration));
  }
  return out;
}

/** How long a DONE job took on Tamr (creation to DONE, by its statusHistory), when it says. */
function jobDuration(job: Job): { jobDurationMs?: number } {
  const first = job.statusHistory?.[0];
  if (!first || first.state === "DONE") return {};
  const ms = Date.parse(job.status.stateStartTime ?? "") - Date.parse(first.stateStartTime ?? "");
  return Number.isFinite(ms) && ms >= 0 ? { jobDurationMs: ms } : {};
}

function describe(
  outcome: RunOutcome,
  view: ViewState,
  error: Error | null,
  reason: unknown,
): string {
  const failed = view.steps.filter((s) =>
    s.state === "failed" || s.state === "stopped" || s.state === "timed_out"
  );
  switch (outcome) {
    case "succeeded":
      return `All ${view.steps.length} steps succeeded.`;
    case "interrupted": {
      const stopped = view.steps.filter((s) => s.state === "stopped").length;
      const left = view.steps.filter((s) => !isFinalState(s.state) && s.jobId !== null).length;
      const parts = [
        ...(stopped > 0 ? [`${stopped} job${stopped === 1 ? " was" : "s were"} stopped`] : []),
        ...(left > 0 ? [`${left} job${left === 1 ? " was" : "s were"} left running`] : []),
      ];
      return `${reason instanceof Error ? reason.message : "Interrupted"}${
        parts.length > 0 ? `: ${parts.join(", ")}` : ""
      }.`;
    }
    case "error":
      return error?.message ?? "The Tamr API refused a request.";
    case "timed_out":
    case "failed":
      return failed.length > 0
        ? `${failed.map((s) => `${s.id} ${s.state.replace("_", " ")}`).join(", ")}.`
        : "A step did not succeed.";
  }
}
