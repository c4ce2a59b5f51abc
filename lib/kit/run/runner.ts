/**
 * The runner as wiring: the run store, the scheduler over the plan's graph, one step runner per
 * started step, one stop-and-confirm for the jobs in flight when the run is cut short, and the
 * outcome table. Its parts: the `start` event and a resumed run's finished steps
 * (`_run_start.ts`), what every step shares (`_step_context.ts`) and the loop (`_schedule.ts`).
 */
import { timelineOf } from "./timeline.ts";
import type { DurationStats } from "../history/duration_stats.ts";
import { realClock } from "../clock.ts";
import { DEFAULT_CONCURRENCY } from "../defaults.ts";
import { ApiError } from "../errors.ts";
import type { FinishEvent, RunEvent } from "./events.ts";
import { describeRun, runOutcomeOf } from "./outcome.ts";
import type { RunState } from "./run_state.ts";
import { createRunStore } from "./run_store.ts";
import { longestFirst } from "./scheduler.ts";
import { interruptSignal, stopInFlight } from "./stop_in_flight.ts";
import { summarize } from "./summary.ts";
import { seedFinishedSteps, startEvent } from "./_run_start.ts";
import { schedule } from "./_schedule.ts";
import { stepContext } from "./_step_context.ts";

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
      order: longestFirst(plan.steps, medians(options.expected)),
      prior: options.prior,
      expected: options.expected,
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
      timeline: timelineOf(store.state),
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

/** Whether there is something to continue: a job was created or a step finished. */
function resumable(state: RunState): boolean {
  return state.steps.some((s) => s.jobId !== null || s.state === "succeeded");
}

/** The median of each step's earlier durations. */
function medians(
  expected: ReadonlyMap<string, DurationStats> | undefined,
): ReadonlyMap<string, number> | undefined {
  if (!expected) return undefined;
  return new Map([...expected].map(([step, stats]) => [step, stats.medianMs]));
}
