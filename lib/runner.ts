import { type Clock, realClock } from "./clock.ts";
import { ApiError, InterruptedError, JobFailedError, JobTimeoutError } from "./errors.ts";
import type { Emit, RunEvent, RunOutcome, StepEvent, StepState, StepSummary } from "./events.ts";
import type { Plan, PlanStep } from "./plan.ts";
import { waitForJob } from "./poller.ts";
import { findMatchingJob } from "./attach.ts";
import type { Job, JobClient, JobError } from "./types.ts";
import { initialViewState, reduce, summarize, type ViewState } from "./view_state.ts";

/** What a resumed run knows of a step from its journal. */
export interface PriorStep {
  jobId?: string | undefined;
  outcome?: string | undefined;
}

export interface RunOptions {
  client: JobClient;
  plan: Plan;
  tenant: string;
  baseUrl: string;
  emit: Emit;
  /** Source jobs at once, 1–50. */
  concurrency?: number;
  /** The longest wait between two polls of a job. */
  pollIntervalMs?: number;
  /** Per job: past it the job is stopped (unless leaveRunning) and the run exits 3. */
  timeoutMs?: number;
  leaveRunning?: boolean;
  /** Abort with an InterruptedError as reason to interrupt the run (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Abort to give up at once, even on stopping jobs (the second signal). */
  hardSignal?: AbortSignal;
  clock?: Clock;
  /** How long to wait for stopped jobs to reach DONE on interrupt. */
  stopGraceMs?: number;
  /** How long to wait before trying a create again when the tenant is at its job limit (429). */
  slotWaitMs?: number;
  /** Look for an unfinished job with the same configuration before creating one. */
  attach?: boolean;
  /** Steps already known from a journal (`--resume`). */
  prior?: ReadonlyMap<string, PriorStep> | undefined;
  /** Expected durations of steps from earlier runs, for duration-aware polling. */
  expectedDurations?: ReadonlyMap<string, number> | undefined;
  /** The command that continues this run, shown when it ends early. */
  resumeCommand?: string | undefined;
}

export interface RunResult {
  outcome: RunOutcome;
  exitCode: number;
  steps: StepSummary[];
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
 */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? realClock;
  const concurrency = options.concurrency ?? 4;
  const { client, plan } = options;
  let view: ViewState = initialViewState;
  const emit = (e: RunEvent) => {
    view = reduce(view, e);
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
      const created = await createOrAttach(step);
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
      stepEvent(step, "succeeded", { jobId, jobState: job.status.state });
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
    if (options.attach) {
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
        if (e.ambiguous && ambiguousTries < 3) {
          ambiguousTries++;
          const found = await findMatchingJob(client, step.configuration, {
            createdSince: sentAt - 60_000,
          });
          if (found) {
            warn(
              `The answer to creating ${step.id} was lost; found job ${found.jobId} it created and attached to it.`,
              step.id,
              found.jobId,
            );
            return { job: found, attached: true };
          }
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
  let loadsRunning = 0;
  let wake: () => void = () => {};
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  try {
    while (true) {
      for (const step of signal.aborted ? [] : plan.steps) {
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
          firstIntervalMs: 250,
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
    case "interrupted":
      return `${
        reason instanceof Error ? reason.message : "Interrupted"
      }; the jobs in flight were handled as shown.`;
    case "error":
      return error?.message ?? "The Tamr API refused a request.";
    case "timed_out":
    case "failed":
      return failed.length > 0
        ? `${failed.map((s) => `${s.id} ${s.state.replace("_", " ")}`).join(", ")}.`
        : "A step did not succeed.";
  }
}
