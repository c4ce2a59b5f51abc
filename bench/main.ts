/**
 * `deno task bench`: tamr-refresh against the walkthrough's strategy and the lower bound on the
 * simulated tenant (in-process, on virtual time), 1,000 sources, and start-up. Prints tables and
 * ends with
 * `bench: first/bound=X.XX second/bound=Y.YY walkthrough/bound=Z.ZZ requests/job=R lag_pct=L`.
 * Each section is in its own file (`standard_section.ts`, `scale_section.ts`,
 * `startup_section.ts`, then `targets.ts`); a new one is a call here and a field of `Measured`.
 */
import { pipelineBound } from "./bound.ts";
import { frontierAt } from "./frontier.ts";
import { say } from "./_say.ts";
import { printScale, runScaleSection } from "./scale_section.ts";
import { SLOTS, STANDARD_DURATIONS } from "./standard.ts";
import { printStandard, runStandard } from "./standard_section.ts";
import { runStartupSection } from "./startup_section.ts";
import { headline, printTargets } from "./targets.ts";
import { WALKTHROUGH_POLL_MS } from "./strategies.ts";
import { etaOff, etaSummary } from "./eta.ts";

const began = performance.now();
const bound = pipelineBound(STANDARD_DURATIONS, SLOTS);
const bound4 = pipelineBound(STANDARD_DURATIONS, 4);

say(`tamr-refresh benchmark · deno ${Deno.version.deno} · ${navigator.hardwareConcurrency} cores`);
say(`The standard scenario runs in-process on virtual time: exact, deterministic, instant.`);
say();

// ---- 1 and 2: the standard scenario, exact and varied ------------------------------------------
const standard = await runStandard();
printStandard(standard, bound, bound4);
const eta = etaSummary(standard.trials.map((t) => etaOff(t.second.events, t.seed)));
const usual = [...STANDARD_DURATIONS.loads, STANDARD_DURATIONS.update, ...STANDARD_DURATIONS.after];
const walkthroughRequests = headline(standard).walkthroughRequestsPerJob;
const frontier = frontierAt(usual, 0.1, WALKTHROUGH_POLL_MS, walkthroughRequests);
// What is left for creates and polls once our list requests (learning, the look for jobs to
// attach to) are paid for out of the walkthrough's budget.
const frontierAfterLists = frontierAt(
  usual,
  0.1,
  WALKTHROUGH_POLL_MS,
  walkthroughRequests - headline(standard).listsPerJob,
);

// ---- 3: scale ---------------------------------------------------------------------------------
const scale = await runScaleSection();
printScale(scale);

// ---- 4: start-up --------------------------------------------------------------------------------
const startup = await runStartupSection();

// ---- targets and the last line ------------------------------------------------------------------
const benchSeconds = (performance.now() - began) / 1000;
printTargets({
  standard,
  bound,
  bound4,
  frontier,
  frontierAfterLists,
  eta,
  scale,
  startup,
  benchSeconds,
});
