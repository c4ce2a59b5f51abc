/** Help text shared by every command. */
export const ENV_HELP = `Environment:
  TAMR_API_KEY    the API key (never a flag, never read from the config file)
  TAMR_TENANT     the tenant, as --tenant
  TAMR_BASE_URL   the base URL, as --base-url
  CI              when set, never prompt or draw the dashboard`;

export const EXIT_CODES_HELP = `Exit codes:
  0    every step succeeded (or a dry run printed its plan)
  1    a job failed or was stopped by someone else
  2    usage or config error: nothing was created
  3    a job ran past --timeout
  4    the API refused us (401/403/404/400) or stayed unreachable after retries
  5    another run holds this run's journal (its pid, host and start are named): nothing was created
  130  interrupted by SIGINT (129 SIGHUP, 143 SIGTERM), after stopping the jobs in flight
  141  stdout's reader went away (a closed pipe), after stopping the jobs in flight

One run holds its journal at a time. A run that ends early stops, unless --leave-running, the jobs
it created or found in its journal, and waits until Tamr says DONE; never a job of another live
run that it attached to.`;
