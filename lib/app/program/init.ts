/** The `init` command. */
import { HELP } from "../help/help_text.ts";
import type { Command } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** Adds `init`: write a config file from prompts. */
export function addInitCommand(program: Command, ctx: CommandContext): void {
  program.command("init")
    .description("Write a config file from prompts (never the API key).")
    .option(
      "--config <file>",
      "where to write it (default tamr-refresh.json); an existing file's values are the defaults, " +
        "and it is overwritten only when you confirm",
    )
    .addHelpText(
      "after",
      "\nCancel at the review exits 130, as Ctrl-C at a prompt does: nothing is written.",
    )
    .addHelpText(
      "after",
      teach(
        HELP.init,
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
