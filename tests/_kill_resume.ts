/**
 * kill -9 then `--resume`, in-process on virtual time: a run cut off right after the tenant
 * performed request number `killAt` (its answer never arrives, nothing more is sent or journaled,
 * its clock stops), then a second run resuming from the journal `afterMs` later on a fresh clock.
 */
import { journalReduce, newJournal, priorSteps } from "../lib/app/journal/journal.ts";
import { createJobClient } from "../lib/kit/api/client.ts";
import { TenantClock } from "../lib/kit/job/tenant_clock.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import type { Plan } from "../lib/kit/run/plan.ts";
import { runPipeline } from "../lib/kit/run/runner.ts";
import { createInProcessTenant } from "../lib/sim/in_process.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { SECRET_KEY } from "./_cli.ts";

export interface KillResumeOptions {
  plan: Plan;
  /** Before the run: an earlier run's job for every step, then 8 minutes pass. */
  earlierJobs?: boolean;
  /** The runs learn the tenant's clock from the Date header of its answers, as the CLI does. */
  watchDate?: boolean;
}

export async function killAndResume(
  scenario: Scenario,
  killAt: number,
  resume: { afterMs: number; attach: boolean },
  o: KillResumeOptions,
) {
  const setupClock = new VirtualClock();
  let clock = setupClock;
  const sim = createInProcessTenant({
    scenario,
    apiKey: SECRET_KEY,
    clock: { now: () => clock.now() },
  });
  const earlier = new Set<string>();
  if (o.earlierJobs) {
    for (const step of o.plan.steps) {
      earlier.add(sim.tenant.create({ configuration: step.configuration }).jobId);
    }
    await setupClock.run(() => setupClock.sleep(8 * 60_000));
  }

  const options = (events: RunEvent[], fetch: typeof globalThis.fetch) => {
    const tenantClock = o.watchDate ? new TenantClock(clock.now) : undefined;
    const sent = tenantClock ? tenantClock.watch(fetch) : fetch;
    return {
      client: createJobClient({
        baseUrl: sim.baseUrl,
        apiKey: SECRET_KEY,
        fetch: sent,
        createFetch: sent,
        clock,
      }),
      ...(tenantClock ? { tenantClock } : {}),
      plan: o.plan,
      tenant: "sim",
      baseUrl: sim.baseUrl,
      concurrency: 2,
      attach: true,
      clock,
      emit: (e: RunEvent) => events.push(e),
    };
  };

  const killedClock = new VirtualClock({ start: setupClock.now() });
  clock = killedClock;
  let killed = false;
  const never = new Promise<never>(() => {});
  const cutOff: typeof fetch = async (input, init) => {
    if (killed) return await never;
    const response = await sim.fetch(input, init);
    if (sim.requests.length >= killAt) killed = true;
    return killed ? await never : response;
  };
  let journal = newJournal(
    o.plan,
    { tenant: "sim", baseUrl: sim.baseUrl },
    new Date(killedClock.now()).toISOString(),
  );
  const first = options([], cutOff);
  const finished = await killedClock.run(() =>
    Promise.race([
      runPipeline({
        ...first,
        emit: (e) => {
          if (!killed) journal = journalReduce(journal, e);
        },
      }).then(() => true),
      killedClock.until(() => killed, `request ${killAt}`).then(() => false),
    ])
  );

  // Later, `--resume` in a fresh process: a new clock from where the old one stopped.
  const resumed = new VirtualClock({ start: killedClock.now() + resume.afterMs });
  clock = resumed;
  const events: RunEvent[] = [];
  const result = await resumed.run(() =>
    runPipeline({
      ...options(events, sim.fetch),
      attach: resume.attach,
      prior: priorSteps(journal),
      resumedSince: Date.parse(journal.startedAt),
    })
  );
  return { finished, journal, result, events, sim, earlier };
}
