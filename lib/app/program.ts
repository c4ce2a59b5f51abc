import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { DEFAULTS } from "./settings/config.ts";
import type { Io } from "./io.ts";
import { VERSION } from "../kit/version.ts";
import { ENV_HELP, EXIT_CODES_HELP } from "./help/help_text.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/** The end of every command's help: examples, then the environment and the exit codes. */
const teach = (...examples: string[]) =>
  `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}\n\n${ENV_HELP}\n\n${EXIT_CODES_HELP}`;

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
        "tamr-refresh                       # in a terminal: prompts, then the live dashboard",
        "tamr-refresh demo --headless       # the whole pipeline against a simulated tenant",
        "tamr-refresh run --config tamr-refresh.json",
        "tamr-refresh jobs list --tenant acme",
        "tamr-refresh <command> --help      # each command's options and examples",
      ),
    );

  const run = program.command("run", { isDefault: true })
    .description("Run the refresh pipeline (interactive in a terminal, headless elsewhere).")
    .option("--config <file>", "JSON config file; flags override it")
    .option("--tenant <name>", "tenant name, a DNS label (env TAMR_TENANT)")
    .option("--base-url <url>", "default https://<tenant>.tamr.cloud (env TAMR_BASE_URL)")
    .option("--source <id>", "a source to reload; repeatable", collect, [] as string[])
    .option("--data-product <id>", "the data product to run")
    .option("--workflow <id>", "update this RealTime search-index workflow after the data product")
    .option(
      "--destination <id>",
      "publish to this destination; repeatable",
      collect,
      [] as string[],
    )
    .option("--concurrency <n>", `source jobs at once, 1-50 (default ${DEFAULTS.concurrency})`)
    .option(
      "--poll-interval <dur>",
      `longest wait between polls (default ${DEFAULTS.pollInterval})`,
    )
    .option("--timeout <dur>", `per job; past it the job is stopped (default ${DEFAULTS.timeout})`)
    .option("--request-timeout <dur>", `per HTTP request (default ${DEFAULTS.requestTimeout})`)
    .option("--output <format>", "text or json (NDJSON events on stdout)")
    .option("--headless", "never prompt, never draw the dashboard")
    .option("--dry-run", "print the plan and the request bodies; create nothing")
    .option("--state <file>", "where the run journal is kept")
    .option("--resume", "continue the run in the journal; never create a job twice")
    .option("--leave-running", "on interrupt or timeout, leave remote jobs running")
    .option("--no-attach", "do not attach to an unfinished job with the same configuration")
    .option("--env-file <file>", "read variables from this file (.env is read when present)")
    .option("-v, --verbose", "one line per HTTP exchange on stderr (never the key)")
    .option("--junit <file>", "write a JUnit XML report (one test case per step) when the run ends")
    .option(
      "--notify <url>",
      "POST a JSON summary to this webhook (Slack, Teams) when the run ends",
    )
    .addHelpText(
      "after",
      `
Examples:
  TAMR_API_KEY=... tamr-refresh run --tenant acme --source src_a --source src_b \\
      --data-product dp_1 --workflow wf_1 --destination dest_1
  tamr-refresh run --config tamr-refresh.json --output json > events.ndjson
  tamr-refresh run --config tamr-refresh.json --dry-run
  tamr-refresh run --resume --state ~/.local/state/tamr-refresh/acme--dp_1.json
  tamr-refresh run --config tamr-refresh.json --junit reports/tamr-refresh.xml \\
      --notify https://hooks.slack.com/services/...

Durations: 500ms, 30s, 10m, 2h, or a bare number of seconds.

In GitHub Actions: a Markdown table of the steps is appended to $GITHUB_STEP_SUMMARY when it is
set, and each failed step is an ::error annotation when GITHUB_ACTIONS=true.

${ENV_HELP}

${EXIT_CODES_HELP}`,
    )
    .action(async (flags) => {
      const { runCommand } = await import("./commands/run.ts");
      setCode(await runCommand(flags, io));
    });
  void run;

  program.command("demo")
    .description("Run the whole pipeline against the built-in simulated tenant.")
    .option("--headless", "plain lines instead of the dashboard")
    .option("--fail", "make one source fail, to show how a failure looks")
    .option("--output <format>", "text or json")
    .option("--concurrency <n>", "source jobs at once (default 4)")
    .option(
      "--speed <n>",
      "run about N times faster, 1-1000 (default 1: about 14 s)",
    )
    .option("-v, --verbose", "one line per HTTP exchange on stderr")
    .addHelpText(
      "after",
      teach(
        "tamr-refresh demo",
        "tamr-refresh demo --headless --fail",
        "tamr-refresh demo --speed 10         # the same run in under 2 s",
        "tamr-refresh demo --output json | jq -c 'select(.type == \"finish\")'",
      ),
    )
    .action(async (flags) => {
      const { demoCommand } = await import("./commands/demo.ts");
      setCode(await demoCommand(flags, io));
    });

  program.command("sim")
    .description("Serve the simulated Tamr tenant in the foreground (Ctrl-C stops it).")
    .option("--port <n>", "port to listen on (default: any free port)")
    .option("--scenario <file>", "JSON scenario: durations, failures, time scale, faults")
    .addHelpText(
      "after",
      teach(
        "tamr-refresh sim --port 8787",
        "TAMR_API_KEY=<printed key> tamr-refresh run --base-url http://127.0.0.1:8787 \\\n" +
          "      --source s1 --data-product dp1",
        "tamr-refresh sim --port 8787 --scenario faults.json",
      ),
    )
    .action(async (flags) => {
      const { simCommand } = await import("./commands/sim.ts");
      setCode(await simCommand(flags, io));
    });

  const jobs = program.command("jobs")
    .description("Look at, watch or stop one job, or list recent jobs.")
    .addHelpText(
      "after",
      teach(
        "tamr-refresh jobs list --tenant acme --running",
        "tamr-refresh jobs get job_123 --tenant acme --output json",
        "tamr-refresh jobs watch job_123 --tenant acme --timeout 2h",
        "tamr-refresh jobs stop job_123 --tenant acme",
      ),
    );
  // deno-lint-ignore no-explicit-any
  const conn = <C extends Command<any, any, any>>(c: C): C =>
    c.addOption(new Option("--tenant <name>", "tenant (env TAMR_TENANT)"))
      .addOption(new Option("--base-url <url>", "base URL (env TAMR_BASE_URL)"))
      .addOption(new Option("--config <file>", "JSON config file for tenant and base URL"))
      .addOption(new Option("--env-file <file>", "read variables from this file"))
      .addOption(new Option("--output <format>", "text or json"))
      .addOption(new Option("--request-timeout <dur>", "per HTTP request"))
      .addOption(new Option("-v, --verbose", "one line per HTTP exchange on stderr")) as C;
  const jobsAction =
    (verb: "get" | "watch" | "stop" | "list") =>
    async (id: string | undefined, flags: Record<string, unknown>) => {
      const { jobsCommand } = await import("./commands/jobs.ts");
      setCode(await jobsCommand(verb, id, flags, io));
    };
  conn(jobs.command("get").argument("<job-id>").description("Print one job."))
    .addHelpText(
      "after",
      teach(
        "tamr-refresh jobs get job_123 --tenant acme",
        "tamr-refresh jobs get job_123 --tenant acme --output json | jq .status",
      ),
    )
    .action((id, flags) => jobsAction("get")(id, flags));
  conn(jobs.command("watch").argument("<job-id>").description("Poll one job until it is DONE."))
    .addHelpText(
      "after",
      teach(
        "tamr-refresh jobs watch job_123 --tenant acme",
        "tamr-refresh jobs watch job_123 --tenant acme --timeout 30m --leave-running",
      ),
    )
    .option("--poll-interval <dur>", "longest wait between polls")
    .option("--timeout <dur>", "stop the job past this")
    .option("--leave-running", "past the timeout, leave the job running")
    .action((id, flags) => jobsAction("watch")(id, flags));
  conn(jobs.command("stop").argument("<job-id>").description("Stop one job and wait for DONE."))
    .addHelpText(
      "after",
      teach(
        "tamr-refresh jobs stop job_123 --tenant acme",
        "tamr-refresh jobs stop job_123 --tenant acme --no-wait",
      ),
    )
    .option("--no-wait", "return once the stop was accepted")
    .action((id, flags) => jobsAction("stop")(id, flags));
  conn(jobs.command("list").description("List recent jobs, newest first."))
    .addHelpText(
      "after",
      teach(
        "tamr-refresh jobs list --tenant acme",
        "tamr-refresh jobs list --tenant acme --running --limit 5 --output json",
      ),
    )
    .option("--limit <n>", "how many (default 20)")
    .option("--running", "only jobs that are not DONE")
    .action((flags) => jobsAction("list")(undefined, flags));

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
      const { initCommand } = await import("./commands/init.ts");
      setCode(await initCommand(flags, io));
    });

  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      if (e.code === "commander.help") return 0;
      // Commander has already printed its message.
      return 2;
    }
    throw e;
  }
  return code;
}
