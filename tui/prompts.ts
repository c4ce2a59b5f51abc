/**
 * The guided prompts of interactive mode: ask only for what flags, environment and config file did
 * not say, suggest the IDs seen in the tenant's recent jobs, and show the plan before anything starts.
 *
 * The prompt functions are passed in (`PromptFns`, the call shapes of `@inquirer/prompts`), so tests
 * answer from a script. Ctrl-C makes inquirer throw `ExitPromptError`; it is left to propagate and
 * the caller maps it to exit 130.
 */
import { UsageError } from "../lib/kit/errors.ts";
import type { Job } from "../lib/kit/api/types.ts";
import type { RecentIds } from "./recent_ids.ts";
import {
  answersOf,
  type Connection,
  planText,
  type RunAnswers,
  validateTenant,
} from "./answers.ts";
import { RecentLookup } from "./recent_lookup.ts";

export { type Connection, planText, type RunAnswers, validateTenant } from "./answers.ts";
import { askMany, askOne } from "./id_pickers.ts";
import type { PromptFns, Validate } from "./prompt_fns.ts";

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
import {
  type ConfigAnswers,
  configFileText,
  DEFAULT_CONFIG_PATH,
  offerToSave,
} from "./save_config.ts";

export { configFileText };

export interface AskDeps {
  prompts: PromptFns;
  /**
   * Given a tenant/baseUrl/key, lists recent jobs (newest first). Rejects with ApiError when the
   * key is refused. Without it, IDs are typed, not chosen.
   */
  listRecentJobs?: (conn: Connection) => Promise<Job[]>;
  /** Where the plan review and warnings are printed (stderr by default). */
  write?: (text: string) => void;
  saveConfig?: (path: string, text: string) => Promise<void>;
  /** The time "last run 2h ago" is counted from; `Date.now` by default. */
  now?: () => number;
}

export { KEY_RETRIES } from "./recent_lookup.ts";

/**
 * Asks for what `defaults` lacks (`workflow: ""` and `destinations: []` count as known: none), shows
 * the plan, and returns the answers, or null when the user cancels at the review.
 * With `offerSave`, offers after the review to save the answers (never the key) as a config file.
 */
export async function askForRun(
  defaults: Partial<RunAnswers>,
  deps: AskDeps,
  options: { review?: boolean; offerSave?: boolean } = {},
): Promise<RunAnswers | null> {
  const flow = new Flow(deps, "run");
  const first = await flow.firstPass(defaults);
  const answers = options.review === false ? first : await flow.review(first);
  if (!answers) return null;
  if (options.offerSave && deps.saveConfig) {
    await offerToSave(answers, flow.saveDeps(deps.saveConfig));
  }
  return answers;
}

export interface InitResult {
  /** The answers, without the key. */
  answers: ConfigAnswers;
  /** Where the config file was written, or null when the user chose not to save it. */
  savedTo: string | null;
}

/**
 * The `init` command: the same questions and review, then always offers to save the answers as a
 * config file. The key is asked only to suggest IDs from recent jobs (it may be left empty) and is
 * never saved. Returns null when the user cancels at the review.
 */
export async function askForInit(
  defaults: Partial<RunAnswers>,
  deps: AskDeps,
  options: { path?: string } = {},
): Promise<InitResult | null> {
  const flow = new Flow(deps, "init");
  const answers = await flow.review(await flow.firstPass(defaults));
  if (!answers) return null;
  const { apiKey: _key, ...config } = answers;
  const savedTo = deps.saveConfig
    ? await offerToSave(config, flow.saveDeps(deps.saveConfig), {
      defaultPath: options.path ?? DEFAULT_CONFIG_PATH,
      failIfUnsaved: true,
    })
    : null;
  return { answers: config, savedTo };
}

type Mode = "run" | "init";
type ReviewChoice = "confirm" | "edit" | "cancel";

class Flow {
  readonly #p: PromptFns;
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #mode: Mode;
  readonly #recentIds: RecentLookup;

  constructor(deps: AskDeps, mode: Mode) {
    this.#p = deps.prompts;
    this.#write = deps.write ?? writeStderr;
    this.#now = deps.now ?? Date.now;
    this.#recentIds = new RecentLookup(deps.listRecentJobs, this.#write);
    this.#mode = mode;
  }

  saveDeps(saveConfig: (path: string, text: string) => Promise<void>) {
    return {
      confirm: (c: { message: string; default?: boolean }) => this.#p.confirm(c),
      input: (c: { message: string; default?: string; validate?: Validate }) => this.#p.input(c),
      saveConfig,
      write: this.#write,
    };
  }

  async firstPass(d: Partial<RunAnswers>): Promise<RunAnswers> {
    const tenant = d.tenant ?? await this.#askTenant(undefined);
    const needIds = !d.sources?.length || !d.dataProduct || d.workflow === undefined ||
      d.destinations === undefined;
    let apiKey = d.apiKey;
    if (apiKey === undefined && (this.#mode === "run" || (needIds && this.#recentIds.canList))) {
      apiKey = await this.#askKey();
    }
    apiKey ??= "";
    let seen: RecentIds | undefined;
    if (needIds) {
      ({ seen, apiKey } = await this.#recentIds.lookup(
        tenant,
        d.baseUrl,
        apiKey,
        () => this.#askKey(),
      ));
    }
    const sources = d.sources?.length ? [...d.sources] : await this.#askSources(seen, []);
    const dataProduct = d.dataProduct || await this.#askDataProduct(seen, undefined);
    const workflow = d.workflow ?? await this.#askWorkflow(seen, undefined);
    const destinations = d.destinations
      ? [...d.destinations]
      : await this.#askDestinations(seen, []);
    return answersOf({
      tenant,
      baseUrl: d.baseUrl,
      apiKey,
      sources,
      dataProduct,
      workflow,
      destinations,
    });
  }

  /** Prints the plan and loops Confirm / Edit / Cancel. */
  async review(start: RunAnswers): Promise<RunAnswers | null> {
    let answers = start;
    for (;;) {
      this.#write(planText(answers));
      const choice = await this.#p.select<ReviewChoice>({
        message: this.#mode === "run" ? "Start the refresh with this plan?" : "Is this plan right?",
        choices: [
          { value: "confirm", name: "Confirm" },
          { value: "edit", name: "Edit", description: "Change the tenant or the IDs" },
          { value: "cancel", name: "Cancel" },
        ],
        default: "confirm",
      });
      if (choice === "confirm") return answers;
      if (choice === "cancel") return null;
      answers = await this.#edit(answers);
    }
  }

  /** Asks every value of the plan again, the current answers as defaults. */
  async #edit(a: RunAnswers): Promise<RunAnswers> {
    const tenant = await this.#askTenant(a.tenant);
    const { seen, apiKey } = await this.#recentIds.lookup(
      tenant,
      a.baseUrl,
      a.apiKey,
      () => this.#askKey(),
    );
    const sources = await this.#askSources(seen, a.sources);
    const dataProduct = await this.#askDataProduct(seen, a.dataProduct);
    const workflow = await this.#askWorkflow(seen, a.workflow);
    const destinations = await this.#askDestinations(seen, a.destinations);
    return answersOf({
      tenant,
      baseUrl: a.baseUrl,
      apiKey,
      sources,
      dataProduct,
      workflow,
      destinations,
    });
  }

  async #askTenant(current: string | undefined): Promise<string> {
    const tenant = await this.#p.input({
      message: "Tamr tenant (the <tenant> in <tenant>.tamr.cloud)",
      ...(current ? { default: current } : {}),
      validate: validateTenant,
    });
    return tenant.trim();
  }

  async #askKey(): Promise<string> {
    const init = this.#mode === "init";
    const key = await this.#p.password({
      message: init
        ? "Tamr API key, only to suggest IDs from recent jobs; never saved (empty to skip)"
        : "Tamr API key (Admin > API Keys in Tamr)",
      mask: true,
      validate: (v) => init || v.trim() !== "" || "Enter the API key; it is not shown as you type.",
    });
    return key.trim();
  }

  /**
   * Lists the recent jobs of a tenant to suggest ids. A refused key is asked again, at most
   * KEY_RETRIES times; any other failure is reported and ids are typed instead.
   */
  #askSources(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return askMany(this.#p, this.#now(), seen?.sources, current, {
      message: "Sources to refresh first",
      typed: "Source IDs to refresh first (comma-separated)",
      another: "Other source IDs (comma-separated)",
      required: true,
    });
  }

  #askDestinations(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return askMany(this.#p, this.#now(), seen?.destinations, current, {
      message: "Destinations to publish to afterwards (optional)",
      typed: "Destination IDs to publish to afterwards (comma-separated, empty for none)",
      another: "Other destination IDs (comma-separated)",
      required: false,
    });
  }

  async #askDataProduct(seen: RecentIds | undefined, current: string | undefined): Promise<string> {
    const id = await askOne(this.#p, this.#now(), seen?.dataProducts, current, {
      message: "Data product to update",
      typed: "Data product ID to update",
      noun: "data product ID",
    });
    if (id === undefined) throw new UsageError("No data product ID was given; one is required.");
    return id;
  }

  async #askWorkflow(seen: RecentIds | undefined, current: string | undefined): Promise<string> {
    return (await askOne(this.#p, this.#now(), seen?.workflows, current, {
      message: "Search-index workflow to update afterwards (optional)",
      typed: "Search-index workflow ID to update afterwards (empty to skip)",
      noun: "workflow ID",
      optional: true,
    })) ?? "";
  }
}

function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}
