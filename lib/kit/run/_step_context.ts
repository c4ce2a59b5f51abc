/** What every step of a run shares, with the run's defaults filled in. */
import type { Clock } from "../clock.ts";
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
} from "../defaults.ts";
import { JobSearch } from "../job/find.ts";
import { matchesSent } from "../job/match.ts";
import { sharedPolls } from "../job/shared_polls.ts";
import { TenantClock } from "../job/tenant_clock.ts";
import type { RunEvent } from "./events.ts";
import type { PlanStep } from "./plan.ts";
import type { RunOptions } from "./run_options.ts";
import type { StepContext } from "./step.ts";

/** What every step of the run shares, with the run's defaults filled in. */
export function stepContext(
  options: RunOptions,
  run: { clock: Clock; signal: AbortSignal; emit: (e: RunEvent) => void },
): Omit<StepContext, "expected" | "prior"> {
  const client = options.client;
  const search = new JobSearch({
    client,
    tenantClock: options.tenantClock ?? new TenantClock(() => run.clock.now()),
    onWarning: (message) =>
      run.emit({ type: "warning", time: new Date(run.clock.now()).toISOString(), message }),
  });
  // Attaching is for a job an earlier run left running. One look at the tenant's unfinished jobs
  // when the first step starts tells which steps can have one; only those look again before their
  // create (looking before every create cost 3 to 4 list requests per job with 1,000 sources).
  let leftovers: Promise<unknown[]> | undefined;
  const mayHaveLeftover = async (step: PlanStep) => {
    leftovers ??= search.unfinishedConfigurations();
    return (await leftovers).some((c) => matchesSent(step.configuration, c));
  };
  return {
    ...run,
    client,
    search,
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
    shared: options.sharePolls === false
      ? undefined
      : sharedPolls(client, { clock: run.clock, filtersRefused: () => search.filtersRefused }),
  };
}
