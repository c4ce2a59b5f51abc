/**
 * Getting a job for a step: attach to one that already runs its configuration, or create one,
 * waiting for a tenant slot on 429 and looking before re-sending a create whose answer was lost.
 */
import type { Clock } from "../clock.ts";
import { durationText } from "../duration.ts";
import { ApiError } from "../errors.ts";
import type { Job, JobClient, RetryInfo } from "../api/types.ts";
import { findLostCreate, findMatchingJob, findResumableJob } from "../job/find.ts";
import type { PlanStep } from "./plan.ts";

/** What creating a step's job needs from the run. */
export interface CreateContext {
  client: JobClient;
  clock: Clock;
  /** The run's interrupt: no new create is sent once it aborted. */
  signal: AbortSignal;
  /** Gives up at once, even on a create in flight (the second signal). */
  hardSignal?: AbortSignal | undefined;
  /** Look for an unfinished job with the same configuration before creating one. */
  attach: boolean;
  /** True when the tenant may have an unfinished job of this configuration (one look per run). */
  mayHaveLeftover: (step: PlanStep) => Promise<boolean>;
  /** For `--resume`: when the journal's run began; a job it created since then is attached to. */
  resumedSince?: number | undefined;
  /**
   * The first wait before trying a create again when the tenant is at its job limit; each wait
   * doubles, up to `SLOT_WAIT_CEILING` times this (60 s for 5 s).
   */
  slotWaitMs: number;
  /** The step's `--timeout`: waiting for a slot ends past it, the step timed out with no job. */
  timeoutMs: number;
  /** Tells the run: the step waits for a slot (`queued`) or sends its create (`creating`). */
  onState: (state: "queued" | "creating") => void;
  /** A sentence for the run's warnings. */
  warn: (message: string, jobId?: string) => void;
  /** Called before each retry of a request made for this step. */
  onRetry: (info: RetryInfo) => void;
}

/** The job the step goes on with, or why it has none. */
export type CreateResult =
  | { job: Job; attached: boolean; otherRun?: boolean }
  | { interrupted: true }
  | {
    error: ApiError;
    /** True when a create may have reached Tamr and its job was not found: `--resume` looks again. */
    mayHaveCreated?: boolean;
  }
  | { timedOut: string };

/** How many times a create whose answer was lost, and that made no job, is sent again. */
const LOST_CREATE_RETRIES = 3;

/** The longest wait for a slot, as a multiple of the first (`slotWaitMs`). */
export const SLOT_WAIT_CEILING = 12;

/**
 * The wait before the create after the `n`-th 429 (from 1): `slotWaitMs` doubling with each, or
 * longer when `Retry-After` asks for more, never more than `SLOT_WAIT_CEILING` times `slotWaitMs`.
 */
export function slotWait(n: number, slotWaitMs: number, retryAfterMs: number | undefined): number {
  const ceiling = slotWaitMs * SLOT_WAIT_CEILING;
  const backoff = Math.min(ceiling, slotWaitMs * 2 ** Math.max(0, n - 1));
  return Math.min(ceiling, Math.max(backoff, retryAfterMs ?? 0));
}

/** Attaches to the step's job when one exists, or creates it; never sends a create blindly twice. */
export async function createOrAttach(step: PlanStep, ctx: CreateContext): Promise<CreateResult> {
  const { client } = ctx;
  const look = { signal: ctx.hardSignal, onRetry: ctx.onRetry };
  try {
    if (ctx.resumedSince !== undefined) {
      const found = await findResumableJob(client, step.configuration, ctx.resumedSince, look);
      if (found) {
        ctx.warn(
          `Resuming: found job ${found.jobId} that this run created for ${step.id} before it was ` +
            `cut off; attaching to it instead of creating another.`,
          found.jobId,
        );
        return { job: found, attached: true };
      }
    }
    if (ctx.attach && (await ctx.mayHaveLeftover(step))) {
      const found = await findMatchingJob(client, step.configuration, {
        unfinishedOnly: true,
        ...look,
      });
      if (found) {
        ctx.warn(
          `Found job ${found.jobId} already running ${step.id}; attaching to it instead of creating another.`,
          found.jobId,
        );
        // Another run's job: watched, never stopped by this run.
        return { job: found, attached: true, otherRun: true };
      }
    }
  } catch (e) {
    // Looking for an existing job failed: the step failed on the API.
    if (e instanceof ApiError) return { error: e };
    throw e;
  }
  return await create(step, ctx);
}

async function create(step: PlanStep, ctx: CreateContext): Promise<CreateResult> {
  const { client, clock, signal } = ctx;
  const slotDeadline = clock.now() + ctx.timeoutMs;
  let slotWaits = 0;
  let lostTries = 0;
  for (;;) {
    if (signal.aborted) return { interrupted: true };
    const sentAt = clock.now();
    try {
      // A 429 comes back at once: the wait for a slot below is the only one, not multiplied by
      // the client's own retries.
      const job = await client.createJob(step.configuration, {
        signal: ctx.hardSignal,
        onRetry: ctx.onRetry,
        retryTooManyRequests: false,
      });
      return { job, attached: false };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 429) {
        const remaining = slotDeadline - clock.now();
        if (remaining <= 0) {
          const timeout = durationText(ctx.timeoutMs);
          const timedOut = `No job was created: the tenant was still at its limit of running ` +
            `jobs (429) when the step's timeout of ${timeout} ran out; there is nothing to stop.`;
          return { timedOut };
        }
        if (slotWaits === 0) {
          ctx.warn(
            `The tenant is at its limit of running jobs; waiting for a free slot before creating ${step.id}.`,
          );
        }
        slotWaits++;
        ctx.onState("queued");
        try {
          const wait = slotWait(slotWaits, ctx.slotWaitMs, e.retryAfterMs);
          await clock.sleep(Math.min(wait, remaining), signal);
        } catch (reason) {
          if (signal.aborted) return { interrupted: true };
          throw reason;
        }
        ctx.onState("creating");
        continue;
      }
      if (!e.ambiguous) return { error: e };
      // Look every time, the last try included: a job it made must not be left untracked.
      let found: Job | null;
      try {
        found = await findLostCreate(client, step.configuration, sentAt, {
          signal: ctx.hardSignal,
          onRetry: ctx.onRetry,
        });
      } catch (lookError) {
        if (lookError instanceof ApiError) return { error: lookError, mayHaveCreated: true };
        throw lookError;
      }
      if (found) {
        ctx.warn(
          `The answer to creating ${step.id} was lost; found job ${found.jobId} it created and attached to it.`,
          found.jobId,
        );
        return { job: found, attached: true };
      }
      if (lostTries >= LOST_CREATE_RETRIES) return { error: e, mayHaveCreated: true };
      lostTries++;
      ctx.warn(
        `The answer to creating ${step.id} was lost and no such job exists; creating it again.`,
      );
    }
  }
}
