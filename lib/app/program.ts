import { HELP } from "./help/help_text.ts";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { EXIT_CODES } from "../kit/run/outcome.ts";
import { teach } from "./program/context.ts";
import { addRunCommand } from "./program/run.ts";
import { addDemoCommand } from "./program/demo.ts";
import { addSimCommand } from "./program/sim.ts";
import { addJobsCommands } from "./program/jobs.ts";
import { addInitCommand } from "./program/init.ts";
import { addHistoryCommand } from "./program/history.ts";
import { addReportCommand } from "./program/report.ts";
import { checkCommandWord } from "./program/unknown_command.ts";
import type { Io } from "./io.ts";
import { VERSION } from "../kit/version.ts";

/**
 * A request for help wins over the rest of the line: `run --help --tenant` shows run's help rather
 * than complaining that --tenant has no value. Keeps the command words before the first option.
 */
function helpFirst(args: string[]): string[] {
  const end = args.indexOf("--");
  const upTo = end === -1 ? args : args.slice(0, end);
  if (!upTo.includes("--help") && !upTo.includes("-h")) return args;
  const words = args.slice(0, Math.max(0, args.findIndex((a) => a.startsWith("-"))));
  return [...words, "--help"];
}

/**
 * Parses `args` and runs the command. Returns the exit code; never exits the process itself
 * (`main.ts` is the one exit point).
 */
export async function cli(args: string[], io: Io): Promise<number> {
  let code = 0;
  const setCode = (c: number) => {
    code = c;
  };
  const program = new Command("tamr-refresh")
    .description(
      "Refresh a Tamr Cloud data product end to end: reload its sources, run the data product, " +
        "update the RealTime search index and publish, each a job created and watched through " +
        "Tamr's Jobs API.",
    )
    .version(VERSION, "-V, --version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // A fixed width, so help reads the same in every terminal (and main.ts can keep a copy).
    .configureHelp({ helpWidth: 100 })
    .addHelpText(
      "after",
      teach(
        HELP.root,
        "tamr-refresh                       # in a terminal: prompts, then the live dashboard",
        "tamr-refresh demo --headless       # the whole pipeline against a simulated tenant",
        "tamr-refresh run --config tamr-refresh.json",
        "tamr-refresh jobs list --tenant acme",
        "tamr-refresh report --config tamr-refresh.json",
        "tamr-refresh <command> --help      # each command's options and examples",
      ),
    );

  const ctx = { io, setCode };
  addRunCommand(program, ctx);
  addDemoCommand(program, ctx);
  addSimCommand(program, ctx);
  addJobsCommands(program, ctx);
  addInitCommand(program, ctx);
  addHistoryCommand(program, ctx);
  addReportCommand(program, ctx);

  checkCommandWord(args, [...program.commands.map((c) => c.name()), "help"]);
  try {
    await program.parseAsync(helpFirst(args), { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      if (e.code === "commander.help") return 0;
      // Commander has already printed its message.
      return EXIT_CODES.usage;
    }
    throw e;
  }
  return code;
}
