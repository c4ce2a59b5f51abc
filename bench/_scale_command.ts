/**
 * The command line of one scale run: the CLI's config for the simulated tenant, `main.ts run`
 * headless or (through `script`) in a pseudo-terminal, under `/usr/bin/time` when there is one.
 */
import { fileExists } from "../lib/app/real_io.ts";
import type { ScaleOptions } from "./scale.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
export const DATA_PRODUCT = "dp_scale";

/** The command to spawn, and where `/usr/bin/time` (when `useTime`) writes its totals. */
export interface ScaleCommand {
  command: Deno.Command;
  useTime: boolean;
  timeFile: string;
}

/** Writes the CLI's config into `dir` and builds the command that runs it against the tenant. */
export async function scaleCommand(
  o: ScaleOptions,
  sim: { baseUrl: string; apiKey: string },
  dir: string,
): Promise<ScaleCommand> {
  const sources = Array.from(
    { length: o.sources },
    (_, i) => `src_${String(i + 1).padStart(4, "0")}`,
  );
  const config = `${dir}/config.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      tenant: "bench",
      baseUrl: sim.baseUrl,
      sources,
      dataProduct: DATA_PRODUCT,
      concurrency: o.concurrency ?? 5,
      pollInterval: o.pollInterval,
    }),
  );
  const timeFile = `${dir}/time.txt`;
  const useTime = await fileExists("/usr/bin/time");
  const cliArgs = [
    "run",
    "-A",
    "--quiet",
    ...await startTaskFlags(),
    MAIN,
    "run",
    "--config",
    config,
    "--state",
    o.stateFile,
    ...(o.terminal ? [] : ["--headless"]),
    ...(o.args ?? []),
  ];
  const timed = useTime
    ? ["/usr/bin/time", "-f", "%M %U %S", "-o", timeFile, Deno.execPath(), ...cliArgs]
    : [Deno.execPath(), ...cliArgs];
  const command = o.terminal
    ? new Deno.Command("script", {
      args: [
        "--quiet",
        "--flush",
        "--return",
        "--command",
        `stty cols ${o.terminal.columns} rows ${o.terminal.rows} && exec ${
          timed.map(shellQuote).join(" ")
        }`,
        "/dev/null",
      ],
      ...spawnOptions(sim.apiKey, { terminal: true }),
    })
    : new Deno.Command(timed[0]!, { args: timed.slice(1), ...spawnOptions(sim.apiKey) });
  return { command, useTime, timeFile };
}

function spawnOptions(apiKey: string, o: { terminal?: boolean } = {}) {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    TAMR_API_KEY: apiKey,
    // Headless as in CI; in a terminal, as a user has it (colours on: what Ink draws then).
    ...(o.terminal ? { TERM: "xterm-256color", LANG: "C.UTF-8" } : { NO_COLOR: "1", CI: "true" }),
  };
  for (const k of ["DENO_DIR", "XDG_CACHE_HOME", "DENO_NO_UPDATE_CHECK"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  return {
    env,
    clearEnv: true,
    cwd: ROOT,
    stdin: o.terminal ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  } as const;
}

/**
 * The Deno flags `deno task start` runs the CLI with (its V8 flags), so that what is measured is
 * the CLI as users start it.
 */
async function startTaskFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const words = String(config.tasks?.start ?? "").split(/\s+/);
  return words.filter((w) => w.startsWith("--v8-flags="));
}

/** Quotes a word for `sh`. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
