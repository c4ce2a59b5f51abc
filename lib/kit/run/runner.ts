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
import { ApiError } from "../errors.ts";
import { canonicalJson } from "../api/types.ts";
import { unfinishedConfigurations } from "../job/find.ts";
import type { FinishEvent, RunEvent } from "./events.ts";
import { describeRun, runOutcomeOf } from "./outcome.ts";
import type { Plan, PlanStep } from "./plan.ts";
import { isFinalState, type RunState, type RunStore } from "./run_state.ts";
import { createRunStore } from "./run_store.ts";
import { type KindLimits, longestFirst, nextMoves } from "./scheduler.ts";
import type { RunHold } from "./hold.ts";
import { isRunWide, type PriorStep, runStep, type StepContext, type StepEnd } from "./step.ts";
import { interruptSignal, stopInFlight, stopJobs } from "./stop_in_flight.ts";
import { summarize } from "./summary.ts";

export type { PriorStep } from "./step.ts";
export type { RunOptions, RunResult } from "./run_options.ts";
import type { RunOptions, RunResult } from "./run_options.ts";

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
    emit(startEvent(options, concurrency, now()));
    const started = seedFinishedSteps(plan, options.prior, emit, now);
    const { firstError, mayHaveCreated } = await schedule(started, store, {
      steps: stepContext(options, { clock, signal, emit }),
      limits: options.limits ?? { load: concurrency },
      order: longestFirst(plan.steps, options.expectedDurations),
      prior: options.prior,
      expected: options.expectedDurations,
      hold: options.hold,
    }).catch(async (e: unknown) => {
      // A failure of the runner itself: the jobs it started are not left running unwatched.
      if (!options.leaveRunning) {
        await stopInFlight(store.state, { client, clock, emit, now, options });
      }
      throw e;
    });
    const interrupt = signal.aborted ? interruptSignal(signal.reason) : undefined;
    if (interrupt && !options.leaveRunning) {
      await stopInFlight(store.state, { client, clock, emit, now, options });
    }
    const { outcome, exitCode } = runOutcomeOf(store.state, {
      interrupt,
      error: firstError ? { api: firstError instanceof ApiError } : undefined,
    });
    const finish: FinishEvent = {
      type: "finish",
      time: now(),
      outcome,
      exitCode,
      steps: summarize(store.state),
      message: describeRun(outcome, store.state, firstError, signal.reason),
      // Only when there is something to continue: a job was created or a step finished.
      ...(outcome !== "succeeded" && options.resumeCommand &&
          (mayHaveCreated || resumable(store.state))
        ? { resumeCommand: options.resumeCommand }
        : {}),
    };
    await options.beforeFinish?.(finish, store.state);
    emit({ ...finish, time: now() });
    return { outcome, exitCode, steps: finish.steps, message: finish.message!, state: store.state };
  } finally {
    unlisten();
  }
}

/** The first event: the plan, with each step's exact create request body. */
function startEvent(options: RunOptions, concurrency: number, time: string): RunEvent {
  return {
    type: "start",
    time,
    version: 1,
    tenant: options.tenant,
    baseUrl: options.baseUrl,
    dataProduct: options.plan.dataProduct,
    concurrency,
    steps: options.plan.steps.map((s) => ({
      step: s.id,
      kind: s.kind,
      target: s.target,
      dependsOn: s.dependsOn,
      body: { configuration: s.configuration },
    })),
  };
}

/** What every step of the run shares, with the run's defaults filled in. */
function stepContext(
  options: RunOptions,
  run: { clock: Clock; signal: AbortSignal; emit: (e: RunEvent) => void },
): Omit<StepContext, "expectedMs" | "prior"> {
  const client = options.client;
  // Attaching is for a job an earlier run left running. One look at the tenant's unfinished jobs
  // when the first step starts tells which steps can have one; only those look again before their
  // create (looking before every create cost 3 to 4 list requests per job with 1,000 sources).
  let leftovers: Promise<Set<string>> | undefined;
  const mayHaveLeftover = async (step: PlanStep) => {
    leftovers ??= unfinishedConfigurations(client);
    return (await leftovers).has(canonicalJson(step.configuration));
  };
  return {
    ...run,
    client,
    hardSignal: options.hardSignal,
    attach: options.attach ?? false,
    mayHaveLeftover,
    resumedSince: options.resumedSince,
    slotWaitMs: options.slotWaitMs ?? 5_000,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    firstPollMs: options.firstPollMs,
    leaveRunning: options.leaveRunning ?? false,
    stopGraceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
  };
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

interface Schedule {
  steps: Omit<StepContext, "expectedMs" | "prior">;
  hold: RunHold | undefined;
  limits: KindLimits;
  order: readonly PlanStep[];
  prior: ReadonlyMap<string, PriorStep> | undefined;
  expected: ReadonlyMap<string, number> | undefined;
}

/**
 * Starts every step the scheduler says is ready, skips the ones it says cannot run, and waits for
 * steps to end, until nothing runs. Once the run is interrupted nothing new starts. Returns the
 * first error that ended a step without a job outcome (or null), and whether a create that may
 * have reached Tamr went unanswered.
 */
async function schedule(
  started: Set<string>,
  store: RunStore,
  s: Schedule,
): Promise<{ firstError: Error | null; mayHaveCreated: boolean }> {
  const { signal, emit, clock } = s.steps;
  const running = new Set<Promise<void>>();
  const now = () => new Date(clock.now()).toISOString();
  let firstError: Error | null = null;
  let mayHaveCreated = false;
  let wake: () => void = () => {};
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  const unhold = s.hold?.subscribe(() => wake()) ?? (() => {});
  try {
    for (;;) {
      if (!signal.aborted) {
        const moves = nextMoves(store.state, s.order, started, s.limits);
        // Once Tamr refused the key (or could not be reached), no new step starts: each would
        // fail the same way. Nor while the run is held (a question on screen).
        if (isRunWide(firstError) || s.hold?.held) moves.start.length = 0;
        for (const step of moves.skip) {
          started.add(step.id);
          emit({ ...stepHeader(step, now()), state: "skipped" });
        }
        for (const step of moves.start) {
          started.add(step.id);
          const p: Promise<void> = runGuarded(step, store, {
            ...s.steps,
            expectedMs: s.expected?.get(step.id),
            prior: s.prior?.get(step.id),
          }).then((end) => {
            if (end.state !== "error") return;
            firstError ??= end.error;
            mayHaveCreated ||= end.mayHaveCreated === true;
          }).finally(() => {
            running.delete(p);
            wake();
          });
          running.add(p);
        }
      }
      if (running.size === 0 && (!s.hold?.held || signal.aborted)) {
        return { firstError, mayHaveCreated };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    unhold();
  }
}

/** Runs a step; an unexpected error (a bug) ends that step as failed and lets the others finish. */
async function runGuarded(step: PlanStep, store: RunStore, ctx: StepContext): Promise<StepEnd> {
  try {
    return await runStep(step, ctx);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const now = () => new Date(ctx.clock.now()).toISOString();
    ctx.emit({
      type: "warning",
      time: now(),
      step: step.id,
      message: `${step.id} ended with an unexpected error: ${error.message}`,
    });
    // Its job, if it has one, is not left running unwatched.
    const view = store.state.byId.get(step.id);
    if (view?.jobId && !isFinalState(view.state) && !view.otherRun && !ctx.leaveRunning) {
      await stopJobs([view], { ...ctx, now, options: ctx });
    }
    const after = store.state.byId.get(step.id);
    if (!isFinalState(after?.state ?? "waiting")) {
      ctx.emit({
        ...stepHeader(step, now()),
        state: "failed",
        error: { reason: "UNEXPECTED", message: error.message },
        ...(after?.jobId ? { leftRunning: true } : {}),
      });
    }
    return { state: "error", error };
  }
}

function resumable(state: RunState): boolean {
  return state.steps.some((s) => s.jobId !== null || s.state === "succeeded");
}

function stepHeader(step: PlanStep, time: string) {
  return { type: "step", time, step: step.id, kind: step.kind, target: step.target } as const;
}
