/** What every command's definition shares: the effects, how it sets the exit code, its help's end. */
import type { Io } from "../io.ts";
import { helpBlocks, type HelpSpec } from "../help/help_text.ts";

/** Passed to each command's definition. */
export interface CommandContext {
  io: Io;
  /** The command's exit code, returned by `cli()`. */
  setCode: (code: number) => void;
}

/** The end of a command's help: examples, then its own environment variables and exit codes. */
export const teach = (spec: HelpSpec, ...examples: string[]) =>
  `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}\n\n${helpBlocks(spec)}`;
