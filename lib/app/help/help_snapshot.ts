/**
 * `tamr-refresh --help` without commander: `main.ts` answers a bare `--help` with the copy in
 * `_root_help.ts`, since loading commander alone costs several times an empty script's start.
 * tests/help_test.ts fails when the copy and commander's text differ; regenerate the copy with
 * `deno run -A lib/app/program/root_help.ts --write`.
 */
export { ROOT_HELP } from "./_root_help.ts";

/** True when `args` ask only for the top-level help. */
export function asksForRootHelp(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === "--help" || args[0] === "-h");
}
