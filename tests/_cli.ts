/** Helpers to run the CLI as a subprocess, the way users and schedulers do. */

import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";

export const MAIN = new URL("../main.ts", import.meta.url).pathname;
export const ROOT = new URL("..", import.meta.url).pathname;

/** A key distinctive enough that finding it anywhere in output is certainly a leak. */
export const SECRET_KEY = "tamr_SECRET_key_7f3a9c_do_not_print";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Env for a child: no CI terminal detection surprises, no inherited Tamr settings. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    NO_COLOR: "1",
    CI: "true",
  };
  for (const k of ["DENO_DIR", "XDG_CACHE_HOME", "DENO_NO_UPDATE_CHECK"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Spawns `deno run -A main.ts ...args` and returns the child, its output read as it comes. */
export function spawnCli(args: string[], env: Record<string, string>, cwd = ROOT) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const decoder = () => new TextDecoderStream();
  const outDone = child.stdout.pipeThrough(decoder()).pipeTo(
    new WritableStream({ write: (c) => void (stdout += c) }),
  );
  const errDone = child.stderr.pipeThrough(decoder()).pipeTo(
    new WritableStream({ write: (c) => void (stderr += c) }),
  );
  return {
    child,
    output: () => ({ stdout, stderr }),
    async done(): Promise<CliResult> {
      const status = await child.status;
      await Promise.all([outDone, errDone]);
      return { code: status.code, stdout, stderr };
    },
  };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], env: Record<string, string>, cwd = ROOT) {
  return spawnCli(args, env, cwd).done();
}

/** Resolves once `predicate` holds, polling every 50 ms, or rejects after `ms`. */
export async function waitFor(
  predicate: () => boolean,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `fn` with a simulated tenant (the test key) and a fresh state folder, then cleans both up. */
export async function withSim<T>(
  scenario: Scenario,
  fn: (sim: SimTenant, stateDir: string) => Promise<T>,
): Promise<T> {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  const stateDir = await Deno.makeTempDir({ prefix: "tamr-refresh-test-" });
  try {
    return await fn(sim, stateDir);
  } finally {
    await sim.close();
    await Deno.remove(stateDir, { recursive: true });
  }
}
