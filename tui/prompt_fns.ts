/**
 * The prompt functions the interactive flow calls, with the call shapes of `@inquirer/prompts`, so
 * tests can answer from a script; and the small values the pickers share.
 */
import { checkbox, confirm, input, password, select } from "@inquirer/prompts";

export type Validate = (value: string) => boolean | string | Promise<boolean | string>;

export interface SelectChoice<V> {
  value: V;
  name?: string;
  /** Shown once answered. */
  short?: string;
  description?: string;
}

export interface CheckboxChoice<V> extends SelectChoice<V> {
  checked?: boolean;
}

/** The prompt functions the flow uses, with the call shapes of `@inquirer/prompts`. */
export interface PromptFns {
  input(config: {
    message: string;
    default?: string | undefined;
    required?: boolean;
    validate?: Validate;
  }): Promise<string>;
  password(
    config: { message: string; mask?: boolean | string; validate?: Validate },
  ): Promise<string>;
  select<V>(config: {
    message: string;
    choices: readonly SelectChoice<V>[];
    default?: V;
  }): Promise<V>;
  checkbox<V>(config: {
    message: string;
    choices: readonly CheckboxChoice<V>[];
    required?: boolean;
  }): Promise<V[]>;
  confirm(config: { message: string; default?: boolean | undefined }): Promise<boolean>;
}

/** The real prompts, on the terminal. */
export const inquirerPrompts: PromptFns = { input, password, select, checkbox, confirm };

/**
 * The real prompts, given up when `signal` aborts (SIGTERM, SIGHUP, a closed terminal): inquirer
 * then throws `AbortPromptError` with the signal's reason as its cause.
 */
export function promptsUntil(signal: AbortSignal): PromptFns {
  const context = { signal };
  return {
    input: (config) => input(config, context),
    password: (config) => password(config, context),
    select: (config) => select(config, context),
    checkbox: (config) => checkbox(config, context),
    confirm: (config) => confirm(config, context),
  };
}

/** The value of the "another id…" choice. */
export const ANOTHER: unique symbol = Symbol("another id");
/** The value of the "none" choice of an optional single id. */
export const NONE: unique symbol = Symbol("none");

/** Splits `a, b  c` into ids, dropping empties and repeats. */
export function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ""))];
}
