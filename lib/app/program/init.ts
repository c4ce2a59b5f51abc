/** The `init` command. */
import type { Command } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** Adds `init`: write a config file from prompts. */
export function addInitCommand(program: Command, ctx: CommandContext): void {
  program.command("init")
    .description("Write a config file from prompts (never the API key).")
    .option("--config <file>", "where to write it (default tamr-refresh.json)")
    .addHelpText(
      "after",
      teach(
        "tamr-refresh init",
        "tamr-refresh init --config configs/acme.json",
        "TAMR_API_KEY=... tamr-refresh run --config configs/acme.json",
      ),
    )
    .action(async (flags) => {
      const { initCommand } = await import("../commands/init.ts");
      ctx.setCode(await initCommand(flags, ctx.io));
    });
}
