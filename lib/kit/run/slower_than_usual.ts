/**
 * "Slower than usual": a step still running past the 90th percentile of its earlier durations (and
 * at least a tenth and a second past their median, since with one or two earlier runs the 90th
 * percentile is the median itself, which half of all runs pass). Views mark it from the state; the step says it
 * once, as a warning, from its poll loop.
 */
import type { Job } from "../api/types.ts";
import type { DurationStats } from "../history/duration_stats.ts";
import { durationsApart } from "../duration_apart.ts";
import { createdAt } from "../job/job_times.ts";
import { jobDuration } from "./_step_job.ts";
import type { StepView } from "./run_state.ts";

/** A step is slower than usual only past this multiple of its median too. */
export const SLOW_MEDIAN_FACTOR = 1.1;
/**
 * And only this much past its median at least: below a second, what looks slower is how late a
 * timer fired or a poll came, not the job (a sub-second demo step on a busy machine).
 */
export const SLOW_MIN_EXCESS_MS = 1_000;

/**
 * How long a step may run before it is slower than usual (ms from its start), or null when its
 * earlier durations are not known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slowAfterMs } from "@tamr-refresh/kit";
 *
 * assert.equal(slowAfterMs({ expectedMs: 600_000, p90Ms: 900_000 }), 900_000);
 * assert.equal(slowAfterMs({ expectedMs: 600_000, p90Ms: 600_000 }), 660_000); // one earlier run
 * assert.equal(slowAfterMs({ expectedMs: null, p90Ms: null }), null);
 * ```
 */
export function slowAfterMs(
  step: { expectedMs: number | null; p90Ms: number | null },
): number | null {
  if (step.p90Ms === null) return null;
  const median = step.expectedMs ?? 0;
  return Math.max(step.p90Ms, SLOW_MEDIAN_FACTOR * median, median + SLOW_MIN_EXCESS_MS);
}

/**
 * True when the step is running (or being created or stopped) past its `slowAfterMs()` at `now`,
 * or succeeded after its job took longer than that on Tamr (creation to DONE). A job attached to
 * that this run has not seen yet (one watched again after a resume, before its first poll) is not
 * judged: it may have ended long ago, while no one looked.
 *
 * @example
 * ```ts
 * import { isSlowerThanUsual, type StepView } from "@tamr-refresh/kit";
 *
 * const mark = (s: StepView, now: number) => isSlowerThanUsual(s, now) ? " (slower than usual)" : "";
 * ```
 */
export function isSlowerThanUsual(step: StepView, now: number): boolean {
  const after = slowAfterMs(step);
  if (after === null) return false;
  if (step.state === "succeeded") return tookLongerThan(step, after);
  // A job attached to (a resume watches its job again) is judged once this run has seen it.
  if (step.startedAt === null || (step.attached && step.jobState === null)) return false;
  const active = step.state === "creating" || step.state === "running" ||
    step.state === "stopping";
  return active && now - step.startedAt > after;
}

/** Its job took longer than `after` on Tamr (creation to DONE), by statusHistory. */
function tookLongerThan(step: StepView, after: number): boolean {
  const t = step.jobTimes;
  const took = t?.createdAt != null && t.doneAt != null
    ? t.doneAt - t.createdAt
    : step.jobDurationMs;
  return took !== null && took > after;
}

/**
 * The warning's sentence: how long the step has run and what earlier runs took, each as precise as
 * it takes for the two to differ. Without the step's id: the warning event carries it, and every
 * view puts it in front (`load:s1: Slower than usual: …`).
 */
export function slowerThanUsualMessage(elapsedMs: number, p90Ms: number): string {
  const [elapsed, p90] = durationsApart(elapsedMs, p90Ms);
  return `Slower than usual: running for ${elapsed}, while 90% of earlier runs took at most ${p90}.`;
}

/** The warning's sentence for a step that succeeded after taking longer than usual on Tamr. */
export function tookLongerMessage(tookMs: number, p90Ms: number): string {
  const [took, p90] = durationsApart(tookMs, p90Ms);
  return `Took longer than usual: ${took}, while 90% of earlier runs took at most ${p90}.`;
}

/** What a step's poll loop calls: after each poll, and once with its job when it succeeded. */
export interface SlowWatch {
  (job: Job): void;
  /** The job succeeded: judged on Tamr's own time (creation to DONE), if no poll said it yet. */
  succeeded(job: Job): void;
}

/**
 * For a step's poll loop: after each poll, says the warning once when the step has run past its
 * `slowAfterMs()`; when the job succeeded without it said, judges Tamr's creation-to-DONE time by
 * the same rule (a job may end between two polls past its threshold). Time counts as Tamr counts a job's duration: from the job's creation (for a job
 * this step created, when the create was answered; for one found, its statusHistory's earliest).
 * The step's id is not in the message: the warning event carries it.
 */
export function slowWatch(
  expected: DurationStats | undefined,
  options: {
    attached: boolean;
    now: () => number;
    warn: (message: string, jobId: string) => void;
  },
): SlowWatch {
  if (!expected) return Object.assign(() => {}, { succeeded: () => {} });
  const after = slowAfterMs({ expectedMs: expected.medianMs, p90Ms: expected.p90Ms })!;
  let said = false;
  let began: number | null = options.attached ? null : options.now();
  const watch = (job: Job) => {
    if (said) return;
    began ??= Math.min(createdAt(job) ?? options.now(), options.now());
    const elapsed = options.now() - began;
    if (job.status?.state === "DONE" || elapsed <= after) return;
    said = true;
    options.warn(slowerThanUsualMessage(elapsed, expected.p90Ms), job.jobId);
  };
  const succeeded = (job: Job) => {
    if (said) return;
    const took = jobDuration(job).jobDurationMs;
    if (took === undefined || took <= after) return;
    said = true;
    options.warn(tookLongerMessage(took, expected.p90Ms), job.jobId);
  };
  return Object.assign(watch, { succeeded });
}
