/** The `sim` command. */
import { HELP } from "../help/help_text.ts";
import type { Command } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** Adds `sim`: the simulated tenant in the foreground. */
export function addSimCommand(program: Command, ctx: CommandContext): void {
  program.command("sim")
    .description("Serve the simulated Tamr tenant in the foreground (Ctrl-C stops it).")
    .option("--port <n>", "port to listen on (default: any free port)")
    .option("--scenario <file>", "JSON scenario: durations, failures, time scale, faults")
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
