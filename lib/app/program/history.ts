/** The `history` command: its options, help and examples. */
import type { Command } from "@commander-js/extra-typings";
import { HELP } from "../help/help_text.ts";
import { type CommandContext, teach } from "./context.ts";

/** Adds `history`: the recent runs of a plan, with each step's trend. */
export function addHistoryCommand(program: Command, ctx: CommandContext): void {
  program.command("history")
    .description(
      "Recent runs of a plan: when, outcome, total time, slowest step; each step's trend.",
    )
    .option("--config <file>", "JSON config file naming the tenant and data product")
    .option("--tenant <name>", "tenant name (env TAMR_TENANT)")
    .option("--base-url <url>", "default https://<tenant>.tamr.cloud (env TAMR_BASE_URL)")
    .option("--data-product <id>", "the plan's data product")
    .option("--state <file>", "the plan's run journal, when the run was given one (--state)")
    .option("--env-file <file>", "read variables from this file (.env is read when present)")
    .option("--limit <n>", "how many runs, newest first (default 10, at most 100)")
    .option("--output <format>", "text, or json: one object with the runs (default text)")
    .addHelpText(
      "after",
      `
A plan's runs are kept beside its journal, the newest 100: --state runs/j.json keeps them in
runs/j.history.jsonl (a journal not ending in .json gets .history.jsonl added). Every run that
created or attached to a job is kept, whatever its outcome. No API key is needed: nothing is asked
of the tenant. --output json prints
{"runs":[{"runId","startedAt","outcome","durationMs","steps":[{"step","outcome","waitMs","runMs"}]}]}
(waitMs: waiting for a slot, PENDING; runMs: running).`,
    )
    .addHelpText(
      "after",
      teach(
        HELP.history,
        "tamr-refresh history --config tamr-refresh.json",
        "tamr-refresh history --tenant acme --data-product dp_1 --limit 20",
        "tamr-refresh history --state runs/acme.json --output json | jq '.runs[0]'",
      ),
    )
    .action(async (flags) => {
      const { historyCommand } = await import("../commands/history.ts");
      ctx.setCode(await historyCommand(flags, ctx.io));
    });
}
