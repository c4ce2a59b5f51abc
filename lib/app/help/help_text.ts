/**
 * The environment and exit-code blocks of the help: one table of each, and each command lists only
 * the variables it reads and the codes it can return.
 */

const ENV: Record<string, string> = {
  TAMR_API_KEY: "the API key (never a flag, never read from the config file)",
  TAMR_TENANT: "the tenant, as --tenant",
  TAMR_BASE_URL: "the base URL, as --base-url",
  CI: "when set (or CONTINUOUS_INTEGRATION), never prompt or draw the dashboard",
  NO_COLOR: "when set, no colour in the dashboard",
  XDG_STATE_HOME: "where run journals are kept: $XDG_STATE_HOME/tamr-refresh (else ~/.local/state)",
  GITHUB_STEP_SUMMARY: "when set, the steps' table and a timeline chart are appended to this file",
};

const CODES: Record<string, string> = {
  "0": "every step succeeded (or a dry run printed its plan)",
  "1": "a job failed or was stopped by someone else",
  "2": "usage or config error: nothing was created",
  "3": "a job ran past --timeout",
  "4": "the API refused us (401/403/404/400), or could not be reached before any job was created",
  "5": "another run holds this run's journal (its pid, host and start are named): nothing created",
  "130": "interrupted by SIGINT (129 SIGHUP, 143 SIGTERM), after stopping the jobs in flight",
  "141": "stdout's reader went away (a closed pipe), after stopping the jobs in flight",
};

const STOP_RULE =
  `One run holds its journal at a time. A run that ends early stops, unless --leave-running, the jobs
it created or found in its journal, and waits until Tamr says DONE; never a job of another live
run that it attached to.`;

/** What a command's help lists: its variables, its exit codes, and whether the stop rule applies. */
export interface HelpSpec {
  env: readonly (keyof typeof ENV)[];
  /** A code, or a code with what it means for this command. */
  codes: readonly ((keyof typeof CODES) | readonly [keyof typeof CODES, string])[];
  /** For commands that run jobs: how a run ends early. */
  stopRule?: boolean;
}

/** The environment and exit-code blocks for one command. */
export function helpBlocks(spec: HelpSpec): string {
  const env = spec.env.map((k) => `  ${k.padEnd(19)} ${ENV[k]}`);
  const codes = spec.codes.map((c) =>
    typeof c === "string" ? `  ${c.padEnd(4)} ${CODES[c]}` : `  ${c[0].padEnd(4)} ${c[1]}`
  );
  const envBlock = env.length > 0 ? `Environment:\n${env.join("\n")}\n\n` : "";
  return `${envBlock}Exit codes:\n${codes.join("\n")}` +
    (spec.stopRule ? `\n\n${STOP_RULE}` : "");
}

const CONNECTION = ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL"] as const;

/** What `jobs watch` (and `jobs` as a whole) can end with, about one job. */
const JOB_CODES = [
  ["0", "the job succeeded (watch), or Tamr answered (get, list, stop)"],
  ["1", "the job failed or was stopped"],
  "2",
  ["3", "the job ran past --timeout"],
  "4",
  ["130", "interrupted by SIGINT (129 SIGHUP, 143 SIGTERM); a job it did not start is left alone"],
  "141",
] as const;

/** What each command reads and returns. */
export const HELP = {
  root: {
    env: [...CONNECTION, "CI", "NO_COLOR", "XDG_STATE_HOME", "GITHUB_STEP_SUMMARY"],
    codes: ["0", "1", "2", "3", "4", "5", "130", "141"],
    stopRule: true,
  },
  run: {
    env: [...CONNECTION, "CI", "NO_COLOR", "XDG_STATE_HOME", "GITHUB_STEP_SUMMARY"],
    codes: ["0", "1", "2", "3", "4", "5", "130", "141"],
    stopRule: true,
  },
  demo: {
    env: ["CI", "NO_COLOR"],
    codes: [["0", "every step succeeded"], "1", "2", "130", "141"],
  },
  sim: { env: [], codes: ["2", ["130", "stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP)"]] },
  jobs: { env: CONNECTION, codes: [...JOB_CODES] },
  jobsRead: {
    env: CONNECTION,
    codes: [
      ["0", "Tamr answered (stop: and the job reached DONE)"],
      "2",
      "4",
      ["130", "interrupted by SIGINT (129 SIGHUP, 143 SIGTERM)"],
      ["141", "stdout's reader went away (a closed pipe)"],
    ],
  },
  jobsWatch: { env: CONNECTION, codes: [...JOB_CODES] },
  history: {
    env: ["TAMR_TENANT", "TAMR_BASE_URL", "XDG_STATE_HOME"],
    codes: [
      ["0", "the history was printed (or there is none yet, which it says)"],
      ["2", "usage or config error: a bad flag, no tenant or data product, an unreadable file"],
    ],
  },
  report: {
    env: ["TAMR_TENANT", "TAMR_BASE_URL", "XDG_STATE_HOME"],
    codes: [["0", "the report was written"], [
      "2",
      "usage error, no run recorded, or the file could not be written",
    ]],
  },
  init: {
    env: CONNECTION,
    codes: [["0", "the config file was written"], "2", "4", ["130", "cancelled: nothing written"]],
  },
} satisfies Record<string, HelpSpec>;
