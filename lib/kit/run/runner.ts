/**
 * The runner as wiring: the run store, the scheduler over the plan's graph, one step runner per
 * started step, one stop-and-confirm for the jobs in flight when the run is cut short, and the
 * outcome table.
 */
import { type Clock, realClock } from "../clock.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
} from "../defaults.ts";
import { ApiError, InterruptedError } from "../errors.ts";
import type { JobClient } from "../api/types.ts";
import { canonicalJson } from "../api/types.ts";
import { stopAndConfirm } from "../job/stop.ts";
import type { Emit, FinishEvent, RunEvent, RunOutcome, StepState, StepSummary } from "./events.ts";
import { type InterruptSignal, runOutcomeOf } from "./outcome.ts";
import type { Plan, PlanStep } from "./plan.ts";
import {
  createRunStore,
  isFinalState,
  type RunState,
  type RunStore,
  type StepView,
  summarize,
} from "./run_state.ts";
import { longestFirst, nextMoves } from "./scheduler.ts";
import { type PriorStep, runStep, type StepEnd } from "./step.ts";

export type { PriorStep } from "./step.ts";

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
  /** Receives every event of the run, in order, after it was folded into the run state. */
  emit?: Emit | undefined;
  /**
   * The run's state and event stream; pass one to subscribe before the run starts (reporters, the
   * journal, the dashboard). Default: a new one.
   */
  store?: RunStore | undefined;
  /**
   * Called once the outcome is known and before the `finish` event: the application writes its
   * journal and end reports here, and any warning they emit still comes before `finish`.
   */
  beforeFinish?: ((finish: FinishEvent, state: RunState) => Promise<void>) | undefined;
  /** Source jobs at once, 1–50. */
  concurrency?: number;
  /** The longest wait between two polls of a job. */
  pollIntervalMs?: number;
  /** Per job: past it the job is stopped (unless leaveRunning) and the run exits 3. */
  timeoutMs?: number;
  /** On interrupt or timeout, leave remote jobs running instead of stopping them. */
  leaveRunning?: boolean;
  /** Abort with an InterruptedError as reason to interrupt the run (its signal sets the exit code). */
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
  /** The run's state at its end. */
  state: RunState;
}

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
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const { client, plan } = options;
  const store = options.store ?? createRunStore();
  const unlisten = options.emit ? store.subscribe((e) => options.emit!(e)) : () => {};
  const signal = options.signal ?? new AbortController().signal;
  const now = () => new Date(clock.now()).toISOString();
  const emit = (e: RunEvent) => store.emit(e);
  try {
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
    const started = seedFinishedSteps(plan, options.prior, emit, now);
    const firstError = await schedule(plan, started, {
      ...options,
      clock,
      concurrency,
      signal,
      emit,
      store,
    });
    const interrupt = signal.aborted ? interruptSignal(signal.reason) : undefined;
    if (interrupt && !options.leaveRunning) {
      await stopInFlight(store.state, { client, clock, emit, now, options });
    }
    const { outcome, exitCode } = runOutcomeOf(store.state, {
      interrupt,
      error: firstError ? { api: firstError instanceof ApiError } : undefined,
    });
    const message = describeRun(outcome, store.state, firstError, signal.reason);
    const finish: FinishEvent = {
      type: "finish",
      time: now(),
      outcome,
      exitCode,
      steps: summarize(store.state),
      message,
      ...(outcome !== "succeeded" && options.resumeCommand
        ? { resumeCommand: options.resumeCommand }
        : {}),
    };
    await options.beforeFinish?.(finish, store.state);
    emit({ ...finish, time: now() });
    return { outcome, exitCode, steps: finish.steps, message, state: store.state };
  } finally {
    unlisten();
  }
}

/** Steps a resumed run already finished: said once, never started again. */
function seedFinishedSteps(
  plan: Plan,
  prior: ReadonlyMap<string, PriorStep> | undefined,
  emit: (e: RunEvent) => void,
  now: () => string,
): Set<string> {
  const started = new Set<string>();
  for (const step of plan.steps) {
    const p = prior?.get(step.id);
    if (p?.outcome !== "succeeded") continue;
    started.add(step.id);
    emit({
      type: "step",
      time: now(),
      step: step.id,
      kind: step.kind,
      target: step.target,
      state: "succeeded",
      ...(p.jobId ? { jobId: p.jobId } : {}),
    });
  }
  return started;
}

interface ScheduleContext extends RunOptions {
  clock: Clock;
  concurrency: number;
  signal: AbortSignal;
  emit: (e: RunEvent) => void;
  store: RunStore;
}

/**
 * Starts every step the scheduler says is ready, skips the ones it says cannot run, and waits for
 * steps to end, until nothing runs. Returns the first error that ended a step without a job
 * outcome, or null.
 */
async function schedule(
  plan: Plan,
  started: Set<string>,
  ctx: ScheduleContext,
): Promise<Error | null> {
  const { client, clock, signal, emit, store } = ctx;
  const order = longestFirst(plan.steps, ctx.expectedDurations);
  const limits = { load: ctx.concurrency };
  const running = new Set<Promise<void>>();
  const now = () => new Date(clock.now()).toISOString();
  let firstError: Error | null = null;
  let leftovers: Promise<Set<string>> | undefined;
  // Attaching is for a job an earlier run left running. One look at the tenant's unfinished jobs
  // when the first step starts tells which steps can have one; only those look again before their
  // create (looking before every create cost 3 to 4 list requests per job with 1,000 sources).
  const mayHaveLeftover = async (step: PlanStep) => {
    leftovers ??= unfinishedConfigurations(client);
    return (await leftovers).has(canonicalJson(step.configuration));
  };
  const stepContext = {
    client,
    clock,
    signal,
    hardSignal: ctx.hardSignal,
    attach: ctx.attach ?? false,
    mayHaveLeftover,
    resumedSince: ctx.resumedSince,
    slotWaitMs: ctx.slotWaitMs ?? 5_000,
    emit,
    timeoutMs: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pollIntervalMs: ctx.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    firstPollMs: ctx.firstPollMs,
    leaveRunning: ctx.leaveRunning ?? false,
    stopGraceMs: ctx.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
  };
  let wake: () => void = () => {};
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (!signal.aborted) {
        const moves = nextMoves(store.state, order, started, limits);
        for (const step of moves.skip) {
          started.add(step.id);
          emit({
            type: "step",
            time: now(),
            step: step.id,
            kind: step.kind,
            target: step.target,
            state: "skipped",
          });
        }
        for (const step of moves.start) {
          started.add(step.id);
          const p: Promise<void> = runStep(step, {
            ...stepContext,
            expectedMs: ctx.expectedDurations?.get(step.id),
            prior: ctx.prior?.get(step.id),
          })
            .catch((e): StepEnd => {
              // An unexpected error in one step: record it and let the others finish.
              const error = e instanceof Error ? e : new Error(String(e));
              emit({
                type: "warning",
                time: now(),
                step: step.id,
                message: `${step.id} ended with an unexpected error: ${error.message}`,
              });
              if (!isFinalState(store.state.byId.get(step.id)?.state ?? "waiting")) {
                emit({
                  type: "step",
                  time: now(),
                  step: step.id,
                  kind: step.kind,
                  target: step.target,
                  state: "failed",
                  error: { reason: "UNEXPECTED", message: error.message },
                });
              }
              return { state: "error", error };
            })
            .then((end) => {
              if (end.state === "error") firstError ??= end.error;
            })
            .finally(() => {
              running.delete(p);
              wake();
            });
          running.add(p);
        }
      }
      if (running.size === 0) return firstError;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The jobs in flight when a run is cut short: every step with a job that has not ended. */
export function jobsInFlight(state: RunState): StepView[] {
  return state.steps.filter((s) => s.jobId !== null && !isFinalState(s.state));
}

/** Stops every job in flight and confirms DONE, each step's end said as an event. */
async function stopInFlight(
  state: RunState,
  ctx: {
    client: JobClient;
    clock: Clock;
    emit: (e: RunEvent) => void;
    now: () => string;
    options: RunOptions;
  },
): Promise<void> {
  const { client, clock, emit, now, options } = ctx;
  await Promise.all(
    jobsInFlight(state).map(async (s) => {
      const jobId = s.jobId!;
      const say = (state: StepState, extra: Partial<RunEvent> = {}) =>
        emit({
          type: "step",
          time: now(),
          step: s.id,
          kind: s.kind,
          target: s.target,
          state,
          jobId,
          ...extra,
        } as RunEvent);
      say("stopping");
      const result = await stopAndConfirm(client, jobId, {
        clock,
        signal: options.hardSignal,
        graceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
        onRetry: (r) => emit({ type: "retry", time: now(), ...r, step: s.id }),
      }).catch((e: unknown) => ({
        confirmed: false as const,
        why: e instanceof Error ? e.message : String(e),
      }));
      if (!result.confirmed) {
        emit({
          type: "warning",
          time: now(),
          step: s.id,
          jobId,
          message: `Could not confirm that job ${jobId} stopped: ${result.why}`,
        });
        return;
      }
      const error = result.job.status.error;
      if (error) {
        say("stopped", {
          jobState: "DONE",
          error: { reason: error.reason, message: error.message },
        });
      } else say("succeeded", { jobState: "DONE" });
    }),
  );
}

/** The signal an interrupt's reason names; SIGINT when it names none. */
function interruptSignal(reason: unknown): InterruptSignal {
  return reason instanceof InterruptedError ? reason.signal : "SIGINT";
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

/** Why the run ended this way, as a sentence. */
function describeRun(
  outcome: RunOutcome,
  state: RunState,
  error: Error | null,
  reason: unknown,
): string {
  const steps = state.steps;
  switch (outcome) {
    case "succeeded":
      return `All ${steps.length} steps succeeded.`;
    case "interrupted": {
      const stopped = state.counts.stopped;
      const left = jobsInFlight(state).length;
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
    case "failed": {
      const failed = steps.filter((s) =>
        s.state === "failed" || s.state === "stopped" || s.state === "timed_out"
      );
      return failed.length > 0
        ? `${failed.map((s) => `${s.id} ${s.state.replace("_", " ")}`).join(", ")}.`
        : "A step did not succeed.";
    }
  }
}
