/**
 * The guided prompts of interactive mode: ask only for what flags, environment and config file did
 * not say, suggest the IDs seen in the tenant's recent jobs, and show the plan before anything starts.
 *
 * The prompt functions are passed in (`PromptFns`, the call shapes of `@inquirer/prompts`), so tests
 * answer from a script. Ctrl-C makes inquirer throw `ExitPromptError`; it is left to propagate and
 * the caller maps it to exit 130.
 */
import type { RunAnswers } from "./answers.ts";
import { type AskDeps, Flow } from "./_flow.ts";
import {
  type ConfigAnswers,
  configFileText,
  DEFAULT_CONFIG_PATH,
  offerToSave,
  saveInit,
} from "./save_config.ts";

export {
  baseUrlOf,
  type Connection,
  labelOf,
  parsePlace,
  type Place,
  planText,
  type RunAnswers,
  validatePlace,
  validateTenant,
} from "./answers.ts";
export {
  ANOTHER,
  type CheckboxChoice,
  inquirerPrompts,
  NONE,
  parseIds,
  type PromptFns,
  promptsUntil,
  type SelectChoice,
  type Validate,
} from "./prompt_fns.ts";
export { configFileText };
export type { AskDeps } from "./_flow.ts";
export { KEY_RETRIES } from "./recent_lookup.ts";

/**
 * Asks for what `defaults` lacks (`workflow: ""` and `destinations: []` count as known: none),
 * having checked the tenant first when there is a key; shows the plan, and returns the answers,
 * or null when the user cancels at the review. With `offerSave`, offers after the review to save
 * the answers (never the key) as a config file.
 */
export async function askForRun(
  defaults: Partial<RunAnswers>,
  deps: AskDeps,
  options: { review?: boolean; offerSave?: boolean } = {},
): Promise<RunAnswers | null> {
  const flow = new Flow(deps, "run");
  const first = await flow.ask(defaults, { askKnown: false });
  const answers = options.review === false ? first : await flow.review(first, {
    message: "Start the refresh with this plan?",
    confirm: "Confirm",
  });
  if (!answers) return null;
  if (options.offerSave && deps.saveConfig) {
    await offerToSave(answers, flow.saveDeps(deps.saveConfig));
  }
  return answers;
}

export interface InitResult {
  /** The answers, without the key. */
  answers: ConfigAnswers;
  /** Where the config file was written, or null when there was nothing to write it with. */
  savedTo: string | null;
}

/** The file `init` writes. */
export interface InitTarget {
  /** Where (default `tamr-refresh.json`). */
  path?: string;
  /** True when the file is there: the review asks to overwrite it. */
  exists?: boolean;
  /** The file's fields the prompts do not ask for (`concurrency`, ...), written back as they were. */
  keep?: Readonly<Record<string, unknown>>;
}

/**
 * The `init` command: every question, the values of `defaults` (an existing file's) as the
 * defaults, then the review, whose Save (or Overwrite) is the one confirmation, and the file is
 * written. The key is asked only to check the tenant and suggest IDs from recent jobs (it may be
 * left empty) and is never saved. Returns null when the user cancels at the review.
 */
export async function askForInit(
  defaults: Partial<RunAnswers>,
  deps: AskDeps,
  target: InitTarget = {},
): Promise<InitResult | null> {
  const path = target.path ?? DEFAULT_CONFIG_PATH;
  const flow = new Flow(deps, "init");
  const answers = await flow.review(
    await flow.ask(defaults, { askKnown: true }),
    target.exists
      ? { message: `Overwrite ${path} with this plan?`, confirm: "Overwrite" }
      : { message: `Save this plan to ${path}?`, confirm: "Save" },
  );
  if (!answers) return null;
  const { apiKey: _key, ...config } = answers;
  if (!deps.saveConfig) return { answers: config, savedTo: null };
  await saveInit(config, flow.saveDeps(deps.saveConfig), path, target.keep ?? {});
  return { answers: config, savedTo: path };
}
