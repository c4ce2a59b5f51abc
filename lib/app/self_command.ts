/**
 * How to run this program again, as the user can type it in their own shell: for the hints it
 * prints (`--resume`, how to use a saved config). One style for every way of starting it.
 */
import { shellQuote } from "./shell.ts";

/** Where the program runs from: its environment, Deno's executable and the main module. */
export interface Launch {
  env: Record<string, string | undefined>;
  execPath: string;
  mainModule: string;
}

/**
 * The command that runs this program again:
 * - `TAMR_REFRESH_COMMAND` when set (the container image sets it: its `docker run …` line);
 * - the compiled binary's own path;
 * - from a checkout through `npx -y deno@2 task start` (Deno not on the PATH): that again;
 * - through `deno task start`: that again;
 * - else `deno run -A <main.ts>`.
 * A task runs in the checkout, so when the user started it from another folder the command
 * changes to the checkout first.
 */
export function selfCommand({ env, execPath, mainModule }: Launch): string {
  if (env.TAMR_REFRESH_COMMAND) return env.TAMR_REFRESH_COMMAND;
  if (!/(^|[\/\\])deno(\.exe)?$/.test(execPath) || !mainModule.startsWith("file:")) {
    return shellQuote(execPath);
  }
  const main = decodeURIComponent(new URL(mainModule).pathname);
  const dir = main.slice(0, main.lastIndexOf("/")) || "/";
  // npx (npm exec) puts Deno in its own cache, not on the PATH: the hint must go through npx too.
  const viaNpx = env.npm_command === "exec" || /npx/.test(env.npm_execpath ?? "");
  const deno = viaNpx ? "npx -y deno@2" : "deno";
  // `deno task` sets INIT_CWD: the folder the user typed the command in.
  if (env.INIT_CWD === undefined) return `${deno} run -A ${shellQuote(main)}`;
  const cd = env.INIT_CWD.replace(/\/+$/, "") === dir ? "" : `cd ${shellQuote(dir)} && `;
  return `${cd}${deno} task start`;
}
