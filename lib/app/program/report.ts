/** The `report` command: its options, help and examples. */
import type { Command } from "@commander-js/extra-typings";
import { HELP } from "../help/help_text.ts";
import { type CommandContext, teach } from "./context.ts";

/** Adds `report`: a run of the plan's history as one self-contained HTML file. */
export function addReportCommand(program: Command, ctx: CommandContext): void {
  program.command("report")
    .description("Write a self-contained HTML report of a run: its timeline and each step's trend.")
    .option("--config <file>", "JSON config file naming the tenant and data product")
    .option("--tenant <name>", "tenant name (env TAMR_TENANT)")
    .option("--base-url <url>", "default https://<tenant>.tamr.cloud (env TAMR_BASE_URL)")
    .option("--data-product <id>", "the data product whose runs to report")
    .option("--state <file>", "the plan's run journal (j.json: its history is j.history.jsonl)")
    .option("--env-file <file>", "read variables from this file (.env is read when present)")
    .option("--run <id>", "the run to report, by its id (default: the latest)")
    .option(
      "-o, --out <file>",
      "where to write the HTML, - for stdout (default tamr-refresh-report.html)",
    )
    .addHelpText(
      "after",
      "\nThe plan is found as `run` finds its journal; the history beside it holds the plan's last " +
        "100\nfinished runs. No API key is needed: nothing is asked of the tenant. The file needs " +
        "no network\nto open (no script, font or image is fetched) and prints as it shows.",
    )
    .addHelpText(
      "after",
      teach(
        HELP.report,
        "tamr-refresh report --config tamr-refresh.json",
        "tamr-refresh report --tenant acme --data-product dp_1 -o reports/nightly.html",
        "tamr-refresh report --state runs/nightly.json --run 20261202T081500Z",
      ),
    )
    .action(async (flags) => {
      const { reportCommand } = await import("../commands/report.ts");
      ctx.setCode(await reportCommand(flags, ctx.io));
    });
}
