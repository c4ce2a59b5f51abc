/** What every command's definition shares: the effects, how it sets the exit code, its help's end. */
import type { Io } from "../io.ts";
import { ENV_HELP, EXIT_CODES_HELP } from "../help/help_text.ts";

/** Passed to each command's definition. */
export interface CommandContext {
  io: Io;
  /** The command's exit code, returned by `cli()`. */
  setCode: (code: number) => void;
}

/** The end of every command's help: examples, then the environment and the exit codes. */
export const teach = (...examples: string[]) =>
  `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}\n\n${ENV_HELP}\n\n${EXIT_CODES_HELP}`;
