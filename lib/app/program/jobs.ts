/** The `jobs get|watch|stop|list` commands. */
import { HELP } from "../help/help_text.ts";
import { type Command, Option } from "@commander-js/extra-typings";
import { type CommandContext, teach } from "./context.ts";

/** Adds `jobs` and its four verbs. */
export function addJobsCommands(program: Command, ctx: CommandContext): void {
  const jobs = program.command("jobs")
    .description("Look at, watch or stop one job, or list recent jobs.")
    .addHelpText(
      "after",
      teach(
        HELP.jobs,
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
      .addOption(new Option("--output <format>", "text or json (default text)"))
      .addOption(new Option("--request-timeout <dur>", "per HTTP request (default 30s)"))
      .addOption(new Option("-v, --verbose", "one line per HTTP exchange on stderr")) as C;
  const jobsAction =
    (verb: "get" | "watch" | "stop" | "list") =>
    async (id: string | undefined, flags: Record<string, unknown>) => {
      const { jobsCommand } = await import("../commands/jobs.ts");
      ctx.setCode(await jobsCommand(verb, id, flags, ctx.io));
    };
  conn(jobs.command("get").argument("<job-id>").description("Print one job."))
    .addHelpText(
      "after",
      teach(
        HELP.jobsRead,
        "tamr-refresh jobs get job_123 --tenant acme",
        "tamr-refresh jobs get job_123 --tenant acme --output json | jq .status",
      ),
    )
    .action((id, flags) => jobsAction("get")(id, flags));
  conn(jobs.command("watch").argument("<job-id>").description("Poll one job until it is DONE."))
    .addHelpText(
      "after",
      teach(
        HELP.jobsWatch,
        "tamr-refresh jobs watch job_123 --tenant acme",
        "tamr-refresh jobs watch job_123 --tenant acme --timeout 30m --leave-running",
      ),
    )
    .option("--poll-interval <dur>", "longest wait between polls (default 30s)")
    .option("--timeout <dur>", "stop the job past this (default 2h)")
    .option("--leave-running", "past the timeout, leave the job running")
    .action((id, flags) => jobsAction("watch")(id, flags));
  conn(jobs.command("stop").argument("<job-id>").description("Stop one job and wait for DONE."))
    .addHelpText(
      "after",
      teach(
        HELP.jobsRead,
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
        HELP.jobsRead,
        "tamr-refresh jobs list --tenant acme",
        "tamr-refresh jobs list --tenant acme --running --limit 5 --output json",
      ),
    )
    .option("--limit <n>", "how many (default 20)")
    .option("--running", "only jobs that are not DONE")
    .action((flags) => jobsAction("list")(undefined, flags));
}
