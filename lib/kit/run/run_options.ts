/** What `runPipeline()` takes and what it gives back. */
import type { DurationStats } from "../history/duration_stats.ts";
import type { Clock } from "../clock.ts";
import type { JobClient } from "../api/types.ts";
import type { Emit, FinishEvent, RunOutcome, StepSummary } from "./events.ts";
import type { Plan } from "./plan.ts";
import type { RunState, RunStore } from "./run_state.ts";
import type { KindLimits } from "./scheduler.ts";
import type { PriorStep } from "./step.ts";
import type { TenantClock } from "../job/tenant_clock.ts";
import type { RunHold } from "./hold.ts";

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
  /** While held, no new step starts (jobs already running go on); see `createHold()`. */
  hold?: RunHold | undefined;
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
  /**
   * How many steps of a kind run at once; default `{ load: concurrency }` (other kinds unlimited).
   */
  limits?: KindLimits | undefined;
  /** Steps already known from a journal (`--resume`), by step id. */
  prior?: ReadonlyMap<string, PriorStep> | undefined;
  /**
   * How long each step's job took in earlier runs (median and spread), by step id: sources start
   * longest first, polls are placed where each job is likely to end, and step events say
   * `expectedMs`.
   */
  expected?: ReadonlyMap<string, DurationStats> | undefined;
  /**
   * For `--resume`: when the journal's run began (ms since the epoch). A step the journal has no
   * live job for first looks for one with its configuration created since then, so a create
   * whose answer never reached the journal (a kill -9) is not made twice.
   */
  resumedSince?: number | undefined;
  /**
   * For `--resume`: the time of the run's earlier parts (ms), without the gaps between them; said
   * in the `start` event so that views give the whole run's time.
   */
  earlierMs?: number | undefined;
  /**
   * The tenant's clock as its answers tell it: give the job client `tenantClock.watch(fetch)` (as
   * `fetch` and `createFetch`) so every `Date` header is noted. Default: one that learns only from
   * the run's own creates and the jobs it sees.
   */
  tenantClock?: TenantClock | undefined;
  /** The wait before a job's first poll (default 1 second; never more than `pollIntervalMs`). */
  firstPollMs?: number | undefined;
  /**
   * Share polls between the run's jobs: one request of the jobs list, filtered by `job_id`, reads
   * every job being waited on (`sharedPolls()`). Default true; a tenant that does not filter its
   * list is noticed and polled one job at a time.
   */
  sharePolls?: boolean | undefined;
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
