/** The `sim` command. */
import { HELP } from "../help/help_text.ts";
import type { Command } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** What a scenario file holds, in short (`lib/sim/scenario.ts` says it all). */
const SCENARIO_HELP = `
Scenario (a JSON file; every field is optional), for example:
  {"durations": {"default": 2000, "load:s1": 60000}, "pendingMs": 300,
   "jitter": 0.1, "jobLimit": 5, "timeScale": 1, "seed": 1, "pastRuns": 0,
   "failures": {"load:s2": {"reason": "PLANNING_FAILED", "message": "..."}},
   "faults": [{"kind": "status", "status": 503, "path": "get", "times": 3}],
   "refuseFilters": false, "clockOffsetMs": 0, "listOrder": "created"}
  durations and failures by step id (load:<source>, update:<data product>,
  index:<workflow>, publish:<destination>); a fault's kind is one of status,
  html, hang, drop, malformed, unknownState, lostCreate, vanish, unauthorized,
  outage, oversize, redirect; "path" (create, get, list, stop), "step", "after"
  and "times" narrow it. README.md, "The simulated tenant", says more.`;

/** Adds `sim`: the simulated tenant in the foreground. */
export function addSimCommand(program: Command, ctx: CommandContext): void {
  program.command("sim")
    .description("Serve the simulated Tamr tenant in the foreground (Ctrl-C stops it).")
    .option("--port <n>", "port to listen on (default: any free port)")
    .option("--scenario <file>", "JSON scenario: durations, failures, time scale, faults")
    .addHelpText("after", SCENARIO_HELP)
    .addHelpText(
      "after",
      teach(
        HELP.sim,
        "tamr-refresh sim --port 8787",
        "TAMR_API_KEY=<printed key> tamr-refresh run --base-url http://127.0.0.1:8787 \\\n" +
          "      --source s1 --data-product dp1",
        "tamr-refresh sim --port 8787 --scenario faults.json",
      ),
    )
    .action(async (flags) => {
      const { simCommand } = await import("../commands/sim.ts");
      ctx.setCode(await simCommand(flags, ctx.io));
    });
}
