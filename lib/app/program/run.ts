/** The `run` command: its options, help and examples. */
import type { Command, OptionValues } from "@commander-js/extra-typings";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "../../kit/defaults.ts";
import { durationText } from "../../kit/duration.ts";
import { HELP, helpBlocks } from "../help/help_text.ts";
import type { CommandContext } from "./context.ts";

/** Repeatable options collect their values; no default, so help shows none. */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds `run`, the default command. */
export function addRunCommand(program: Command, ctx: CommandContext): void {
  const run = program.command("run", { isDefault: true })
    .description("Run the refresh pipeline (interactive in a terminal, headless elsewhere).");
  // The groups in the order `run --help` lists them.
  reportOptions(journalOptions(outputOptions(pacingOptions(planOptions(run)))))
    .addHelpText("after", RUN_HELP)
    .action(async (flags) => {
      const { runCommand } = await import("../commands/run.ts");
      ctx.setCode(await runCommand(flags, ctx.io));
    });
}

/** Where the settings come from and what the plan runs: the tenant, sources, data product... */
function planOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option(
      "--config <file>",
      "JSON config file; flags override it (default: tamr-refresh.json here, when present)",
    )
    .option("--tenant <name>", "tenant name, a DNS label (env TAMR_TENANT)")
    .option("--base-url <url>", "default https://<tenant>.tamr.cloud (env TAMR_BASE_URL)")
    .option(
      "--source <ids>",
      "sources to reload, comma-separated (s1,s2); repeatable",
      collect,
    )
    .option("--data-product <id>", "the data product to run")
    .option("--workflow <id>", "update this RealTime search-index workflow after the data product")
    .option(
      "--destination <ids>",
      "publish to these destinations, comma-separated; repeatable",
      collect,
    );
}

/** How fast and how long: jobs at once, the poll interval, the job and request timeouts. */
function pacingOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option("--concurrency <n>", `source jobs at once, 1-50 (default ${DEFAULT_CONCURRENCY})`)
    .option(
      "--poll-interval <dur>",
      `longest wait between polls (default ${durationText(DEFAULT_POLL_INTERVAL_MS)})`,
    )
    .option(
      "--timeout <dur>",
      `per job; past it the job is stopped (default ${durationText(DEFAULT_TIMEOUT_MS)})`,
    )
    .option(
      "--request-timeout <dur>",
      `per HTTP request (default ${durationText(DEFAULT_REQUEST_TIMEOUT_MS)})`,
    );
}

/** What the run shows: text or NDJSON, headless, or only the plan. */
function outputOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option("--output <format>", "text, or json: NDJSON events on stdout (default text)")
    .option("--headless", "never prompt, never draw the dashboard")
    .option("--dry-run", "print the plan and the request bodies; create nothing");
}

/** The journal, resuming a run, and jobs left running by this run or an earlier one. */
function journalOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option(
      "--state <file>",
      "the run journal (default $XDG_STATE_HOME/tamr-refresh/<host>_<port>--<data product>.json)",
    )
    .option("--resume", "continue the run in the journal; never create a job twice")
    .option(
      "--fresh",
      "start a new run over an unfinished journal (even of another plan); the old one is kept " +
        "beside it as <name>.<its start>.json",
    )
    .option("--leave-running", "on interrupt or timeout, leave remote jobs running")
    .option("--no-attach", "do not attach to an unfinished job with the same configuration");
}

/** The env file, then what is reported beside the events: HTTP exchanges, JUnit, a webhook. */
function reportOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option("--env-file <file>", "read variables from this file (.env is read when present)")
    .option(
      "-v, --verbose",
      "one line per HTTP exchange on stderr (never the key); plain lines, not the dashboard",
    )
    .option("--junit <file>", "write a JUnit XML report (one test case per step) when the run ends")
    .option(
      "--notify <url>",
      "POST a JSON summary to this webhook (Slack, Teams) when the run ends",
    );
}

/** The end of `run --help`: examples, durations, the terminal and GitHub Actions, env, exit codes. */
const RUN_HELP = `
Examples:
  TAMR_API_KEY=... tamr-refresh run --tenant acme --source src_a --source src_b \\
      --data-product dp_1 --workflow wf_1 --destination dest_1
  tamr-refresh run --config tamr-refresh.json --output json > events.ndjson
  tamr-refresh run --config tamr-refresh.json --dry-run
  tamr-refresh run --resume --state ~/.local/state/tamr-refresh/acme.tamr.cloud_443--dp_1.json
  tamr-refresh run --config tamr-refresh.json --junit reports/tamr-refresh.xml \\
      --notify https://hooks.slack.com/services/...

Durations: 500ms, 30s, 10m, 2h, or a bare number of seconds.

In a terminal, Cancel at the plan review exits 130, as Ctrl-C at a prompt does: nothing was created.

In GitHub Actions: a Markdown table of the steps and the run's timeline (a Mermaid gantt chart)
are appended to $GITHUB_STEP_SUMMARY when it is set, and each failed step is an ::error annotation
when GITHUB_ACTIONS=true.

${helpBlocks(HELP.run)}`;
