/** The `demo` command. */
import { HELP } from "../help/help_text.ts";
import type { Command } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** Adds `demo`: the whole pipeline against the built-in simulated tenant. */
export function addDemoCommand(program: Command, ctx: CommandContext): void {
  program.command("demo")
    .description("Run the whole pipeline against the built-in simulated tenant.")
    .option("--headless", "plain lines instead of the dashboard")
    .option("--fail", "make one source fail, to show how a failure looks")
    .option("--output <format>", "text or json (default text)")
    .option("--concurrency <n>", "source jobs at once (default 4)")
    .option(
      "--speed <n>",
      "run about N times faster, 1-1000 (default 1: about 14 s)",
    )
    .option("-v, --verbose", "one line per HTTP exchange on stderr; plain lines, not the dashboard")
    .addHelpText(
      "after",
      teach(
        HELP.demo,
        "tamr-refresh demo",
        "tamr-refresh demo --headless --fail",
        "tamr-refresh demo --speed 10         # the same run in under 2 s",
        "tamr-refresh demo --output json | jq -c 'select(.type == \"finish\")'",
      ),
    )
    .action(async (flags) => {
      const { demoCommand } = await import("../commands/demo.ts");
      ctx.setCode(await demoCommand(flags, ctx.io));
    });
}
