/**
 * The benchmark's section 4: start-up. `--help` and `--version` against `deno run` of an empty
 * script, what one import costs, and when a headless run's first request reaches the tenant.
 */
import { progress, say } from "./_say.ts";
import { measureStartup, type StartupResult } from "./startup.ts";

/** Measures start-up (about 15 s) and prints what it found. */
export async function runStartupSection(): Promise<StartupResult> {
  progress("start-up: --help, --version, a headless run's first request (~15 s)");
  const startup = await measureStartup();
  const helpRatio = startup.helpMs / startup.emptyMs;
  say(`Start-up (median of 9 runs): deno run of an empty script ${startup.emptyMs.toFixed(0)} ms;`);
  say(
    `  --help ${startup.helpMs.toFixed(0)} ms (${helpRatio.toFixed(2)}×), --version ${
      startup.versionMs.toFixed(0)
    } ms; a headless run's first request reaches the tenant ${
      startup.firstRequestMs.toFixed(0)
    } ms after spawn.`,
  );
  say(
    `  A script importing only one of these: ${
      Object.entries(startup.importMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")
    }.`,
  );
  say(
    `  npm packages loaded by --help: ${startup.helpPackages.join(", ") || "none"}; ` +
      `by a headless run before its first request: ${startup.runPackages.join(", ") || "none"}.`,
  );
  say();
  return startup;
}
