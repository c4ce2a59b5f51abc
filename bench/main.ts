/**
 * `deno task bench`: tamr-refresh against the walkthrough's strategy and the lower bound on the
 * simulated tenant, duration-aware polling, 1,000 sources, and start-up. Prints tables and ends
 * with `bench: ours/bound=X.XX walkthrough/bound=Y.YY requests/job=Z.Z lag_mean_s=L.L`.
 * Takes about three minutes on 2 cores. Each section is in its own file: `standard_section.ts`,
 * `scale_section.ts`, `startup_section.ts`, then `targets.ts`.
 */
import { pipelineBound } from "./bound.ts";
import { say } from "./_say.ts";
import { printScale, runScaleSection } from "./scale_section.ts";
import { SLOTS, STANDARD_DURATIONS } from "./standard.ts";
import { printStandard, runStandard } from "./standard_section.ts";
import { runStartupSection } from "./startup_section.ts";
import { printTargets } from "./targets.ts";

const began = performance.now();
const bound = pipelineBound(STANDARD_DURATIONS, SLOTS);
const bound4 = pipelineBound(STANDARD_DURATIONS, 4);

say(`tamr-refresh benchmark · deno ${Deno.version.deno} · ${navigator.hardwareConcurrency} cores`);
say(`Time is scaled: 1 simulated minute = 1 real second (poll intervals too: 30 s = 0.5 s real).`);
say();

// ---- 1 and 2: the standard scenario, each strategy in the same run ----------------------------
const standard = await runStandard();
printStandard(standard, bound, bound4);

// ---- 3: scale ---------------------------------------------------------------------------------
const scale = await runScaleSection();
printScale(scale);

// ---- 4: start-up --------------------------------------------------------------------------------
const startup = await runStartupSection();

// ---- targets and the last line ------------------------------------------------------------------
const benchSeconds = (performance.now() - began) / 1000;
printTargets({ standard, bound, bound4, scale, startup, benchSeconds });
