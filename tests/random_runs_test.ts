/**
 * Seeded randomised runs: many pipelines in-process against the simulated tenant on virtual time,
 * each under a random fault schedule, plan, concurrency, failures, timeouts, external stops and
 * interrupts, each checked against the invariants. Durations are Tamr-like (seconds to hours of
 * virtual time) and a seed replays exactly: the same events, the same requests at the same
 * virtual times. A failure names its seed; reproduce one with
 * `RANDOM_SEED=<seed> deno test -A tests/random_runs_test.ts`; run more with `RANDOM_RUNS=5000`
 * and other seeds with `RANDOM_BASE=50000`.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../lib/kit/api/client.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { journalReduce, newJournal, priorSteps } from "../lib/app/journal/journal.ts";
import { buildPlan, type Plan, type PlanInput } from "../lib/kit/run/plan.ts";
import { runPipeline, type RunResult } from "../lib/kit/run/runner.ts";
import { TenantClock } from "../lib/kit/job/tenant_clock.ts";
import { NOT_YET_VISIBLE_MS } from "../lib/kit/job/poller.ts";
import { mulberry32 } from "../lib/sim/_prng.ts";
import type { Fault, Scenario } from "../lib/sim/scenario.ts";
import type { SimTenant } from "../lib/sim/server.ts";
import { createInProcessTenant } from "../lib/sim/in_process.ts";
import { VirtualClock } from "../lib/sim/virtual_clock.ts";
import { TenantError } from "../lib/sim/tenant.ts";
import { stepIdOf } from "../lib/sim/_config.ts";
import { canonicalJson, type Job } from "../lib/kit/api/types.ts";
import { SECRET_KEY } from "./_cli.ts";
import { assertInvariants, MINUTE, runOnSim, SECOND } from "./_pipeline.ts";

const S = SECOND;
const HOUR = 60 * MINUTE;
const REQUEST_TIMEOUT_MS = 30 * S;
/** Per job: normal steps finish far sooner. */
const TIMEOUT_MS = 2 * HOUR;
/** Per job when a case has a step that never ends in time. */
const SHORT_TIMEOUT_MS = 30 * MINUTE;
const LONG_DURATION = 10 * HOUR;

interface Case {
  seed: number;
  plan: PlanInput;
  scenario: Scenario;
  concurrency: number;
  timeoutMs: number;
  /** Steps whose jobs run far past `timeoutMs`. */
  longSteps: string[];
  leaveRunning: boolean;
  attach: boolean;
  /** Interrupt the run this long after it starts. */
  abort: { afterMs: number; signal: "SIGINT" | "SIGTERM" } | null;
  /** Someone else stops one of our running jobs this long after the start. */
  externalStopAfterMs: number | null;
  /** After an interrupted run, continue it from its journal. */
  resume: boolean;
}

const FATAL_STATUSES = [400, 403, 404];
const TRANSIENT_STATUSES = [500, 502, 503, 504, 429];

/** A random case from a seed: the same seed always gives the same case. */
function generateCase(seed: number): Case {
  const r = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const chance = (p: number) => r() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

  const odd = chance(0.15); // ids with characters that need care
  const id = (prefix: string, i: number) => odd ? `${prefix}/${i}:é%20` : `${prefix}${i}`;
  const sources = Array.from({ length: int(1, 8) }, (_, i) => id("s", i + 1));
  const plan: PlanInput = {
    sources,
    dataProduct: odd ? "dp/ü" : "dp",
    workflow: chance(0.5) ? id("wf", 1) : undefined,
    destinations: Array.from({ length: int(0, 3) }, (_, i) => id("d", i + 1)),
  };
  const steps = buildPlan(plan).steps.map((s) => s.id);

  const durations: Record<string, number> = { default: int(5, 90) * S };
  for (const s of steps) if (chance(0.2)) durations[s] = int(1, 120) * S;
  const longSteps = chance(0.12) ? [pick(steps)] : [];
  for (const s of longSteps) durations[s] = LONG_DURATION;

  const failures: Scenario["failures"] = {};
  if (chance(0.2)) {
    const s = pick(steps.filter((x) => !longSteps.includes(x)));
    failures[s] = { reason: "PLANNING_FAILED", message: `Simulated failure of ${s}.` };
  }

  const faults: Fault[] = [];
  let hangs = 0;
  for (let i = int(0, 5); i > 0; i--) {
    const where = {
      ...(chance(0.3) ? { step: pick(steps) } : {}),
      ...(chance(0.5) ? { after: int(0, 6) } : {}),
    };
    const times = int(1, 3);
    const k = r();
    if (k < 0.25) {
      const status = pick(TRANSIENT_STATUSES);
      faults.push({
        kind: "status",
        status,
        path: pick(["create", "get", "list", "stop"] as const),
        ...(chance(0.5) ? { retryAfter: "0" } : {}),
        ...where,
        times,
      });
    } else if (k < 0.35) {
      faults.push({
        kind: "html",
        path: pick(["create", "get", "list"] as const),
        ...where,
        times,
      });
    } else if (k < 0.45) {
      faults.push({
        kind: "drop",
        path: pick(["create", "get", "list"] as const),
        ...where,
        times,
      });
    } else if (k < 0.52) {
      if (hangs++ < 2) {
        faults.push({ kind: "hang", path: pick(["create", "get", "stop"] as const), ...where });
      }
    } else if (k < 0.62) {
      faults.push({ kind: "malformed", path: pick(["create", "get"] as const), ...where, times });
    } else if (k < 0.70) {
      faults.push({ kind: "unknownState", path: "get", ...where, times });
    } else if (k < 0.85) {
      const lost = r();
      faults.push({
        kind: "lostCreate",
        ...(lost < 0.4 ? {} : lost < 0.8 ? { status: pick([502, 504]) } : { hang: true }),
        ...where,
        times: int(1, 2),
      });
      if (lost >= 0.8) hangs++;
    } else if (k < 0.90) {
      faults.push({ kind: "vanish", path: pick(["create", "get"] as const), ...where });
    } else if (k < 0.95) {
      faults.push({
        kind: "unauthorized",
        path: pick(["create", "get", "list"] as const),
        ...where,
      });
    } else {
      faults.push({
        kind: "status",
        status: pick(FATAL_STATUSES),
        path: pick(["create", "get", "list"] as const),
        ...where,
      });
    }
  }

  const abort = chance(0.25)
    ? { afterMs: int(0, 250) * S, signal: pick(["SIGINT", "SIGTERM"] as const) }
    : null;
  const c: Case = {
    seed,
    plan,
    scenario: {
      seed,
      pendingMs: int(0, 5) * S,
      stoppingMs: int(1, 20) * S,
      jobLimit: chance(0.3) ? int(2, 4) : 5,
      jitter: chance(0.5) ? 0.3 : 0,
      durations,
      failures,
      faults,
    },
    concurrency: int(1, 8),
    timeoutMs: longSteps.length ? SHORT_TIMEOUT_MS : TIMEOUT_MS,
    longSteps,
    leaveRunning: chance(0.3),
    attach: chance(0.8),
    abort,
    externalStopAfterMs: chance(0.12) ? int(5, 150) * S : null,
    resume: abort !== null && chance(0.6),
  };
  // Drawn last, so each seed's case above is what it was before these knobs existed.
  if (chance(0.25)) c.scenario.clockOffsetMs = (chance(0.5) ? 1 : -1) * int(1, 15) * MINUTE;
  if (chance(0.2)) c.scenario.listOrder = "started";
  if (chance(0.2)) c.scenario.statusHistoryOrder = "newestFirst";
  if (chance(0.2)) c.scenario.echoServerFields = true;
  if (chance(0.1)) c.scenario.refuseFilters = true;
  return c;
}

interface Leg {
  result: RunResult;
  events: RunEvent[];
  /** Whether the run's signal was aborted when it emitted its finish event. */
  abortedAtFinish: boolean;
  /** The index in `events` at which the abort came, if it came. */
  abortedAt: number | null;
  /** The journal folded from the events, as `--state` would hold it. */
  journal: ReturnType<typeof newJournal>;
  startedAt: number;
}

/** One pipeline run against `sim`; `prior` and `resumedSince` make it a resumed run. */
async function runLeg(
  c: Case,
  sim: SimTenant & { fetch: typeof fetch },
  clock: VirtualClock,
  plan: Plan,
  resumeFrom: Leg | null,
): Promise<Leg> {
  const events: RunEvent[] = [];
  const startedAt = clock.now();
  let journal = resumeFrom
    ? { ...resumeFrom.journal, finished: false }
    : newJournal(plan, { tenant: "sim", baseUrl: sim.baseUrl }, new Date(startedAt).toISOString());
  const controller = new AbortController();
  let abortedAtFinish = false;
  let abortedAt: number | null = null;
  // As the CLI: the tenant's clock learnt from the Date header of every answer.
  const tenantClock = new TenantClock(clock.now);
  const fetch = tenantClock.watch(sim.fetch);
  const client = createJobClient({
    baseUrl: sim.baseUrl,
    apiKey: SECRET_KEY,
    fetch,
    createFetch: fetch,
    clock,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    random: mulberry32(c.seed ^ 0x5bd1e995),
    retry: { baseDelayMs: 2 * S, maxDelayMs: 30 * S, maxAttempts: 30, maxElapsedMs: 30 * MINUTE },
    onRetry: (info) =>
      events.push({ type: "retry", time: new Date(clock.now()).toISOString(), ...info }),
  });
  const leg1 = resumeFrom === null;
  // Things that happen at a moment of the run, on its clock; cancelled when the run ends first.
  const ended = new AbortController();
  const at = (ms: number, what: () => void) =>
    clock.sleep(ms, ended.signal).then(what, (e: unknown) => {
      if (!ended.signal.aborted) throw e;
    });
  if (leg1 && c.abort) {
    const { afterMs, signal } = c.abort;
    void at(afterMs, () => {
      abortedAt = events.length;
      controller.abort(new InterruptedError(signal));
    });
  }
  if (leg1 && c.externalStopAfterMs !== null) {
    void at(c.externalStopAfterMs, () => externalStop(c, sim));
  }
  try {
    const result = await clock.run(() =>
      runPipeline({
        client,
        plan,
        tenant: "sim",
        baseUrl: sim.baseUrl,
        emit: (e) => {
          events.push(e);
          journal = journalReduce(journal, e);
          if (e.type === "finish") abortedAtFinish = controller.signal.aborted;
        },
        concurrency: c.concurrency,
        pollIntervalMs: 15 * S,
        firstPollMs: 3 * S,
        timeoutMs: c.timeoutMs,
        slotWaitMs: 10 * S,
        stopGraceMs: 10 * MINUTE,
        leaveRunning: c.leaveRunning,
        attach: c.attach,
        signal: controller.signal,
        clock,
        tenantClock,
        ...(resumeFrom
          ? {
            prior: priorSteps(resumeFrom.journal),
            resumedSince: Date.parse(resumeFrom.journal.startedAt),
          }
          : {}),
      })
    );
    return { result, events, abortedAtFinish, abortedAt, journal, startedAt };
  } finally {
    ended.abort();
  }
}

/** Stops, as a user in Tamr's UI would, one running job of a step that is not a long one. */
function externalStop(c: Case, sim: SimTenant): void {
  const candidates = sim.creates().filter((j) =>
    j.status.state !== "DONE" && !c.longSteps.includes(stepIdOf(j.configuration)) &&
    isKnown(sim, j.jobId)
  );
  const job = candidates[0];
  if (job) sim.tenant.externalStop(job.jobId);
}

/** False for a job the tenant forgot (the `vanish` fault): it answers 404 to everyone. */
function isKnown(sim: SimTenant, jobId: string): boolean {
  try {
    sim.tenant.get(jobId);
    return true;
  } catch (e) {
    if (e instanceof TenantError && e.status === 404) return false;
    throw e;
  }
}

/**
 * True when a fault that refuses us for good (401, 403, 404, 400) fired since `since`. A 404 on a
 * poll of a job the run had just created (within NOT_YET_VISIBLE_MS) is taken for a job not
 * visible yet and polled again: not fatal. Nor is a 400 to a list with a filter: it reads as a
 * tenant that takes no filters, and the search scans. Nor is any fault on a shared poll (a list
 * filtered by `job_id`): the poll is made again as a GET, which meets the refusal if it lasts.
 */
function fatalFired(sim: SimTenant, since: number, events: readonly RunEvent[][]): boolean {
  const created = justCreated(events);
  return sim.requests.some((r) =>
    r.time >= since && r.fault !== undefined && !isSharedPoll(r) &&
    (r.fault === "unauthorized" ||
      // A vanish on a create the tenant refused (429) forgot nothing.
      (r.fault === "vanish" && (r.status === 200 || r.status === 404)) ||
      (r.fault === "status" && FATAL_STATUSES.includes(r.status!) &&
        !(r.status === 404 && r.method === "GET" && notYetVisible(r.path, r.time, created)) &&
        !(r.status === 400 && r.method === "GET" && r.query.includes("filter="))))
  );
}

/** A list of the jobs being waited on, by `job_id`: the runner's shared poll. */
function isSharedPoll(r: { method: string; path: string; query: string }): boolean {
  return r.method === "GET" && r.path === "/api/v1beta1/jobs" && r.query.includes("job_id");
}

/** When the wait for each job a run created (not attached to) began: its first `running`. */
function justCreated(events: readonly RunEvent[][]): Map<string, number> {
  const first = new Map<string, number | null>();
  for (const e of events.flat()) {
    if (e.type !== "step" || e.state !== "running" || !e.jobId || first.has(e.jobId)) continue;
    first.set(e.jobId, e.attached ? null : Date.parse(e.time));
  }
  const at = new Map<string, number>();
  for (const [jobId, time] of first) if (time !== null) at.set(jobId, time);
  return at;
}

function notYetVisible(path: string, time: number, created: Map<string, number>): boolean {
  const prefix = "/api/v1beta1/jobs/";
  if (!path.startsWith(prefix)) return false;
  const since = created.get(decodeURIComponent(path.slice(prefix.length)));
  return since !== undefined && time < since + NOT_YET_VISIBLE_MS;
}

/** Creates the tenant did not perform and answered with an error or not at all, since `since`. */
function unansweredCreates(sim: SimTenant, since: number): number {
  return sim.requests.filter((r) =>
    r.time >= since && r.method === "POST" && r.path === "/api/v1beta1/jobs" &&
    // A lost create counts too: the tenant may have refused it (429) before the answer was lost.
    (r.fault === "hang" || r.fault === "drop" || r.fault === "html" || r.fault === "lostCreate" ||
      (r.fault === "status" && r.status !== 429))
  ).length;
}

const SIGNAL_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

/** Everything a case did, for comparing two plays of it: events, requests, jobs. */
interface Trace {
  events: RunEvent[][];
  requests: SimTenant["requests"];
  jobs: Job[];
  endedAt: number;
}

/** Every broken invariant of one case, as sentences (empty when the case held), and its trace. */
async function checkCase(
  c: Case,
): Promise<{ problems: string[]; exits: number[]; log: string; trace: Trace }> {
  const problems: string[] = [];
  const exits: number[] = [];
  const log: string[] = [];
  const clock = new VirtualClock();
  const sim = createInProcessTenant({ scenario: c.scenario, apiKey: SECRET_KEY, clock });
  const legs: Leg[] = [];
  try {
    const plan = buildPlan(c.plan);
    const first = await runLeg(c, sim, clock, plan, null);
    legs.push(first);
    if (only) log.push(first.events.map((e) => JSON.stringify(e)).join("\n"));
    exits.push(first.result.exitCode);
    checkLeg(c, sim, plan, first, sim.creates(), 0, problems, "run");
    if (c.resume && first.result.outcome === "interrupted") {
      // Requests the interrupted run abandoned may still reach the tenant: let them land first,
      // so what the tenant sees from here on is the resumed run's.
      await clock.run(() => clock.sleep(REQUEST_TIMEOUT_MS + S));
      const since = clock.now();
      const known = new Set(sim.creates().map((j) => j.jobId));
      const second = await runLeg(c, sim, clock, plan, first);
      legs.push(second);
      if (only) log.push("resumed:", second.events.map((e) => JSON.stringify(e)).join("\n"));
      exits.push(second.result.exitCode);
      const legJobs = second.result.steps.flatMap((s) =>
        s.jobId ? sim.creates().filter((j) => j.jobId === s.jobId) : []
      );
      checkLeg(c, sim, plan, second, legJobs, since, problems, "resumed run");
      if (second.result.exitCode === 0) {
        for (const s of second.result.steps) {
          if (s.jobId && known.has(s.jobId) && first.journal.steps[s.step]?.outcome === "stopped") {
            problems.push(`resumed run: ${s.step} finished with the job we had stopped`);
          }
        }
      }
    }
    checkNoDuplicates(sim, problems);
    // Every job made is one a run knew of (so stopped, polled or journaled), unless the tenant
    // refused us before we could find it.
    const seen = new Set(legs.flatMap((l) => [...jobIdsIn(l.events)]));
    for (const j of sim.creates()) {
      if (!seen.has(j.jobId) && !fatalFired(sim, 0, legs.map((l) => l.events))) {
        problems.push(`job ${j.jobId} (${stepIdOf(j.configuration)}) was never tracked by a run`);
      }
    }
    if (sim.errors.length) problems.push(`the simulator failed: ${sim.errors.join("; ")}`);
    if (problems.length && only) log.push(describeRun(sim));
  } finally {
    await sim.close();
  }
  const trace: Trace = {
    events: legs.map((l) => l.events),
    requests: sim.requests,
    jobs: sim.creates(),
    endedAt: clock.now(),
  };
  return { problems, exits, log: log.join("\n"), trace };
}

/** The exit code agrees with what the tenant saw; nothing is left running; the key is nowhere. */
function checkLeg(
  c: Case,
  sim: SimTenant,
  plan: Plan,
  leg: Leg,
  jobs: Job[],
  since: number,
  problems: string[],
  name: string,
): void {
  const { result, events } = leg;
  const finish = events.at(-1);
  if (finish?.type !== "finish" || finish.exitCode !== result.exitCode) {
    problems.push(`${name}: the last event is not a finish with exit ${result.exitCode}`);
  }
  if (result.steps.map((s) => s.step).join() !== plan.steps.map((s) => s.id).join()) {
    problems.push(`${name}: the finish does not list every step of the plan`);
  }

  // The exit code, from what happened: interrupt > API refusal > timeout > failure > success.
  // A create that may have reached the tenant is sent at most 4 times in all: past that, the
  // runner gives up on the step (exit 4), which needs at least 4 creates that went unanswered.
  // (A create that got no answer at all is the run's error, named in its message, not the step's.)
  const gaveUp =
    (result.steps.some((s) => /POST \/api\/v1beta1\/jobs /.test(s.error?.message ?? "")) ||
      /POST \/api\/v1beta1\/jobs /.test(result.message)) &&
    unansweredCreates(sim, since) >= 4;
  // A job the tenant forgot (404) is fatal to whichever run polls it, a resumed one included.
  const fatal = fatalFired(sim, since, [events]) || gaveUp ||
    jobs.some((j) => !isKnown(sim, j.jobId));
  const long = jobs.some((j) => c.longSteps.includes(stepIdOf(j.configuration)));
  const failedJob = jobs.find((j) => j.status.state === "DONE" && j.status.error);
  const expected = leg.abortedAtFinish
    ? SIGNAL_CODE[c.abort!.signal]
    : fatal
    ? 4
    : long
    ? 3
    : failedJob
    ? 1
    : 0;
  if (result.exitCode !== expected) {
    problems.push(
      `${name}: exit ${result.exitCode} (${result.message}), expected ${expected} ` +
        `(aborted ${leg.abortedAtFinish}, refused ${fatal}, long step ${long}, ` +
        `failed job ${failedJob?.jobId ?? "none"})`,
    );
  }
  if (result.exitCode === 0) {
    for (const s of result.steps) {
      const job = jobs.find((j) => j.jobId === s.jobId);
      if (s.outcome !== "succeeded" || !job || job.status.state !== "DONE" || job.status.error) {
        problems.push(`${name}: exit 0 but ${s.step} is ${s.outcome} (job ${s.jobId})`);
      }
    }
  }
  for (const s of result.steps) {
    if (s.outcome === "timed_out" && !c.longSteps.includes(s.step)) {
      problems.push(`${name}: ${s.step} timed out though it is a short step`);
    }
  }

  // Nothing new is created once interrupted.
  if (leg.abortedAt !== null) {
    const late = events.slice(leg.abortedAt).find((e) =>
      e.type === "step" && e.state === "creating"
    );
    if (late?.type === "step") problems.push(`${name}: ${late.step} was created after the abort`);
  }

  // Nothing we started is left running, unless asked to or we lost sight of it (exit 4).
  const refusedSteps = new Set(
    events.flatMap((e) =>
      e.type === "step" && e.state === "failed" && e.error?.reason === "API_ERROR" && e.jobId
        ? [e.jobId]
        : []
    ),
  );
  const seen = jobIdsIn(events);
  for (const j of sim.creates()) {
    if (j.status.state === "DONE" || !isKnown(sim, j.jobId)) continue;
    if (fatal && !seen.has(j.jobId)) continue; // made, then the answer and the search refused
    if (
      c.leaveRunning && (leg.abortedAtFinish || c.longSteps.includes(stepIdOf(j.configuration)))
    ) {
      const step = leg.journal.steps[stepIdOf(j.configuration)];
      if (step?.jobId !== j.jobId && !leg.abortedAtFinish) {
        problems.push(`${name}: job ${j.jobId} was left running but the journal lost its id`);
      }
      continue;
    }
    if (refusedSteps.has(j.jobId)) continue;
    if (j.status.state === "STOPPING" && fatal) continue; // asked to stop; the answer was refused
    problems.push(`${name}: job ${j.jobId} (${stepIdOf(j.configuration)}) left ${j.status.state}`);
  }
  if (c.leaveRunning && leg.abortedAtFinish) {
    for (const [stepId, jobId] of liveJobs(events)) {
      if (leg.journal.steps[stepId]?.jobId !== jobId) {
        problems.push(`${name}: the journal lost job ${jobId} of ${stepId}, left running`);
      }
    }
  }

  const text = JSON.stringify([events, result, leg.journal]);
  if (text.includes(SECRET_KEY)) problems.push(`${name}: the key appears in the events`);
}

/** The tenant's request log and jobs, for a failing seed's message. */
function describeRun(sim: SimTenant): string {
  const t0 = sim.requests[0]?.time ?? 0;
  const requests = sim.requests.map((r) =>
    `+${r.time - t0}ms ${r.method} ${r.path}${r.query} ${r.status ?? "-"}${
      r.fault ? ` [${r.fault}]` : ""
    }`
  );
  const jobs = sim.creates().map((j) =>
    `${j.jobId} ${stepIdOf(j.configuration)} ${j.status.state} ${j.status.error?.reason ?? ""}`
  );
  return `requests:\n${requests.join("\n")}\njobs:\n${jobs.join("\n")}`;
}

/** Every job id the run's step events name. */
function jobIdsIn(events: RunEvent[]): Set<string> {
  return new Set(events.flatMap((e) => e.type === "step" && e.jobId ? [e.jobId] : []));
}

/** Jobs whose step was last seen running, by step id. */
function liveJobs(events: RunEvent[]): Map<string, string> {
  const live = new Map<string, string>();
  for (const e of events) {
    if (e.type !== "step") continue;
    if ((e.state === "running" || e.state === "stopping") && e.jobId) live.set(e.step, e.jobId);
    else live.delete(e.step);
  }
  return live;
}

/**
 * No configuration was created twice: a configuration has a second job only after its earlier
 * one ended in a failure or a stop (or was lost to a 404), which a resumed run runs again.
 */
function checkNoDuplicates(sim: SimTenant, problems: string[]): void {
  const byConfig = new Map<string, Job[]>();
  for (const j of sim.creates()) {
    const k = canonicalJson(j.configuration);
    byConfig.set(k, [...(byConfig.get(k) ?? []), j]);
  }
  for (const [k, jobs] of byConfig) {
    for (const earlier of jobs.slice(0, -1)) {
      const ended = earlier.status.state === "DONE" && earlier.status.error;
      if (!ended && isKnown(sim, earlier.jobId)) {
        problems.push(`${k} was created ${jobs.length} times (${earlier.jobId} did not fail)`);
      }
    }
  }
}

/** Runs the seeds one after another; returns the failures and the exit codes. */
async function runSeeds(seeds: number[]) {
  const failures: string[] = [];
  const exits = new Map<number, number>();
  let pipelines = 0;
  for (const seed of seeds) {
    {
      const c = generateCase(seed);
      let outcome;
      try {
        outcome = await checkCase(c);
      } catch (e) {
        outcome = { problems: [`threw ${(e as Error)?.stack ?? e}`], exits: [], log: "" };
      }
      pipelines += outcome.exits.length;
      for (const x of outcome.exits) exits.set(x, (exits.get(x) ?? 0) + 1);
      if (outcome.problems.length) {
        let detail = "";
        if (only) {
          // Reproducing one seed: the case, the events and the tenant's log go to a file.
          const file = await Deno.makeTempFile({ prefix: `random-run-${seed}-`, suffix: ".txt" });
          await Deno.writeTextFile(file, `${JSON.stringify(c, null, 1)}\n${outcome.log}\n`);
          detail = ` (the case, its events and the tenant's log are in ${file})`;
        }
        failures.push(`seed ${seed}: ${outcome.problems.join("; ")}${detail}`);
      }
    }
  }
  return { failures, exits, pipelines };
}

const only = Deno.env.get("RANDOM_SEED");
const count = Number(Deno.env.get("RANDOM_RUNS") ?? 600);
const base = Number(Deno.env.get("RANDOM_BASE") ?? 1000);
const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => base + i);

Deno.test("seeded random pipelines hold every invariant under random faults", async () => {
  const { failures, exits, pipelines } = await runSeeds(seeds);
  const summary = [...exits].sort((a, b) => a[0] - b[0]).map(([x, n]) => `exit ${x}: ${n}`);
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${seeds.length} seeds broke an invariant (${pipelines} pipelines; ` +
      `${summary.join(", ")}). Reproduce one with RANDOM_SEED=<seed> deno test -A ` +
      `tests/random_runs_test.ts`,
  );
  if (!only && seeds.length >= 300) {
    assert.ok(pipelines >= 300, `at least 300 pipelines ran, got ${pipelines}`);
    for (const code of [0, 1, 3, 4, 130, 143]) {
      assert.ok(exits.has(code), `some run ended with exit ${code}: ${summary.join(", ")}`);
    }
  }
});

Deno.test("generateCase() is deterministic: the same seed gives the same case", () => {
  assert.deepEqual(generateCase(42), generateCase(42));
  assert.notDeepEqual(generateCase(42), generateCase(43));
});

Deno.test("a seed replays exactly: the same events, requests, times and job ids", async () => {
  // A few seeds that exercise the most: faults that hang or lose a create, an interrupt with a
  // resumed run, someone else stopping a job, a step that times out.
  const candidates = Array.from({ length: 300 }, (_, i) => 1000 + i).map(generateCase);
  const first = (p: (c: Case) => boolean) => candidates.find(p)!.seed;
  const picked = [
    first((c) => c.resume),
    first((c) => c.scenario.faults!.some((f) => f.kind === "hang")),
    first((c) => c.scenario.faults!.some((f) => f.kind === "lostCreate")),
    first((c) => c.externalStopAfterMs !== null),
    first((c) => c.longSteps.length > 0),
  ];
  for (const seed of new Set(picked)) {
    const a = await checkCase(generateCase(seed));
    const b = await checkCase(generateCase(seed));
    assert.ok(a.trace.requests.length > 0, `seed ${seed} sent requests`);
    assert.deepEqual(b.trace, a.trace, `seed ${seed} replays the same way`);
    assert.deepEqual(b.exits, a.exits);
  }
});

// Regressions the randomised runs found, pinned down deterministically.

Deno.test("a create whose answer is lost on its last try is still looked for and attached (seed 1374)", async () => {
  const run = await runOnSim({
    pendingMs: 20 * S,
    durations: { default: 2 * MINUTE },
    faults: [
      // Three creates answered 503 (nothing made), then one made whose answer is a 502 page.
      { kind: "status", status: 503, path: "create", step: "load:s1", times: 3 },
      { kind: "lostCreate", status: 502, step: "load:s1" },
    ],
  }, { plan: { sources: ["s1"], dataProduct: "dp" } });
  assert.equal(run.result.exitCode, 0, run.result.message);
  assert.equal(run.sim.creates().length, 2, "one job per step");
  assert.ok(
    run.events.some((e) => e.type === "warning" && /was lost; found job/.test(e.message)),
    "the runner found the job its last create made",
  );
  assertInvariants(run);
});

Deno.test("a refused search after a lost create ends the run on the API, exit 4 (seed 1485)", async () => {
  const run = await runOnSim({
    pendingMs: 20 * S,
    durations: { default: 2 * MINUTE },
    faults: [
      { kind: "lostCreate", step: "load:s1" },
      // The first list (attach before create) passes; the search after the lost create is refused.
      { kind: "unauthorized", path: "list", after: 1 },
    ],
  }, { plan: { sources: ["s1"], dataProduct: "dp" } });
  assert.equal(run.result.exitCode, 4, run.result.message);
  // A refused key is the run's error, said once with what to check; the step never started.
  const step = run.result.steps.find((s) => s.step === "load:s1")!;
  assert.equal(step.outcome, "not_started");
  assert.match(run.result.message, /401.*Check TAMR_API_KEY/);
  assert.ok(
    !run.events.some((e) => e.type === "warning" && /unexpected error/.test(e.message)),
    "a refusal is not reported as an unexpected error",
  );
});

Deno.test("a lost create never attaches to an earlier run's failed job of the same configuration (seed 81335)", async () => {
  const clock = new VirtualClock();
  const sim = createInProcessTenant({
    scenario: {
      pendingMs: 20 * S,
      durations: { default: 2 * MINUTE },
      // The first job of load:s1 fails; the second create's answer is a 502 and nothing is made.
      failures: { "load:s1": { reason: "PLANNING_FAILED", message: "Bad file.", times: 1 } },
      faults: [{ kind: "status", status: 502, path: "create", step: "load:s1", after: 1 }],
    },
    apiKey: SECRET_KEY,
    clock,
  });
  const plan = buildPlan({ sources: ["s1"], dataProduct: "dp" });
  const run = () =>
    clock.run(() =>
      runPipeline({
        client: createJobClient({
          baseUrl: sim.baseUrl,
          apiKey: SECRET_KEY,
          fetch: sim.fetch,
          createFetch: sim.fetch,
          clock,
          random: mulberry32(81335),
        }),
        plan,
        tenant: "sim",
        baseUrl: sim.baseUrl,
        emit: () => {},
        clock,
        attach: true,
      })
    );
  assert.equal((await run()).exitCode, 1, "the first run fails on load:s1");
  // Moments later, the same plan again: the 502 create is looked for and not found, so it is
  // sent again, rather than the failed job of the first run taken for it.
  await clock.run(() => clock.sleep(5 * S));
  const second = await run();
  assert.equal(second.exitCode, 0, second.message);
  const loads = sim.creates().filter((j) => stepIdOf(j.configuration) === "load:s1");
  assert.equal(loads.length, 2);
  assert.equal(second.steps[0]!.jobId, loads[1]!.jobId);
  await sim.close();
});
