/**
 * The guided prompts of interactive mode: ask only for what flags, environment and config file did
 * not say, suggest the IDs seen in the tenant's recent jobs, and show the plan before anything starts.
 *
 * The prompt functions are passed in (`PromptFns`, the call shapes of `@inquirer/prompts`), so tests
 * answer from a script. Ctrl-C makes inquirer throw `ExitPromptError`; it is left to propagate and
 * the caller maps it to exit 130.
 */
import { isTenantName, tenantBaseUrl } from "../lib/kit/tenant.ts";
import { checkbox, confirm, input, password, select } from "@inquirer/prompts";
import { ApiError, UsageError } from "../lib/kit/errors.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { redact } from "../lib/kit/api/redact.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { describeSeenId, type RecentIds, recentIds, type SeenId } from "./recent_ids.ts";
import {
  type ConfigAnswers,
  configFileText,
  DEFAULT_CONFIG_PATH,
  offerToSave,
} from "./save_config.ts";

export { configFileText };

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

export interface RunAnswers {
  tenant: string;
  baseUrl?: string;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow?: string;
  destinations: string[];
}

export interface Connection {
  tenant: string;
  baseUrl?: string;
  apiKey: string;
}

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

/** The value of the "another id…" choice. */
export const ANOTHER: unique symbol = Symbol("another id");
/** The value of the "none" choice of an optional single id. */
export const NONE: unique symbol = Symbol("none");

/** How many times a refused key is asked for again before giving up. */
export const KEY_RETRIES = 3;

/** The tenant validator: true, or a sentence naming the rule and the value. */
export function validateTenant(value: string): true | string {
  const v = value.trim();
  if (isTenantName(v)) return true;
  return `A tenant is a DNS label: 1 to 63 lowercase letters, digits or hyphens, not starting or ` +
    `ending with a hyphen (got ${JSON.stringify(v)}).`;
}

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
  readonly #list: ((conn: Connection) => Promise<Job[]>) | undefined;
  readonly #mode: Mode;
  /** Recent ids per connection already listed (or that failed to list), so edits do not re-list. */
  readonly #seen = new Map<string, RecentIds | undefined>();

  constructor(deps: AskDeps, mode: Mode) {
    this.#p = deps.prompts;
    this.#write = deps.write ?? writeStderr;
    this.#now = deps.now ?? Date.now;
    this.#list = deps.listRecentJobs;
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
    if (apiKey === undefined && (this.#mode === "run" || (needIds && this.#list))) {
      apiKey = await this.#askKey();
    }
    apiKey ??= "";
    let seen: RecentIds | undefined;
    if (needIds) ({ seen, apiKey } = await this.#recent(tenant, d.baseUrl, apiKey));
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
    const { seen, apiKey } = await this.#recent(tenant, a.baseUrl, a.apiKey);
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
  async #recent(
    tenant: string,
    baseUrl: string | undefined,
    key: string,
  ): Promise<{ seen: RecentIds | undefined; apiKey: string }> {
    let apiKey = key;
    for (let retries = 0;; retries++) {
      if (!this.#list || apiKey === "") return { seen: undefined, apiKey };
      const memo = JSON.stringify([tenant, baseUrl ?? "", apiKey]);
      if (this.#seen.has(memo)) return { seen: this.#seen.get(memo), apiKey };
      try {
        const jobs = await this.#list({ tenant, ...(baseUrl ? { baseUrl } : {}), apiKey });
        const seen = recentIds(jobs);
        this.#seen.set(memo, seen);
        return { seen, apiKey };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          const said = error.tamrMessage ? `: ${redact(error.tamrMessage, [apiKey])}` : "";
          if (retries >= KEY_RETRIES) {
            throw new UsageError(
              `Tamr refused the API key for tenant ${tenant} ${retries + 1} times ` +
                `(HTTP ${error.status}${said}).`,
              { hint: "Check the key under Admin > API Keys in Tamr, then set TAMR_API_KEY." },
            );
          }
          this.#write(
            `Tamr refused that API key for tenant ${tenant} (HTTP ${error.status}${said}). ` +
              `Please enter it again.\n`,
          );
          apiKey = await this.#askKey();
          continue;
        }
        const why = redact(error instanceof Error ? error.message : String(error), [apiKey]);
        this.#write(`Could not list recent jobs to suggest IDs (${why}); type the IDs instead.\n`);
        this.#seen.set(memo, undefined);
        return { seen: undefined, apiKey };
      }
    }
  }

  #askSources(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return this.#askMany(seen?.sources, current, {
      message: "Sources to refresh first",
      typed: "Source IDs to refresh first (comma-separated)",
      another: "Other source IDs (comma-separated)",
      required: true,
    });
  }

  #askDestinations(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return this.#askMany(seen?.destinations, current, {
      message: "Destinations to publish to afterwards (optional)",
      typed: "Destination IDs to publish to afterwards (comma-separated, empty for none)",
      another: "Other destination IDs (comma-separated)",
      required: false,
    });
  }

  async #askDataProduct(seen: RecentIds | undefined, current: string | undefined): Promise<string> {
    const id = await this.#askOne(seen?.dataProducts, current, {
      message: "Data product to update",
      typed: "Data product ID to update",
      noun: "data product ID",
    });
    if (id === undefined) throw new UsageError("No data product ID was given; one is required.");
    return id;
  }

  async #askWorkflow(seen: RecentIds | undefined, current: string | undefined): Promise<string> {
    return (await this.#askOne(seen?.workflows, current, {
      message: "Search-index workflow to update afterwards (optional)",
      typed: "Search-index workflow ID to update afterwards (empty to skip)",
      noun: "workflow ID",
      optional: true,
    })) ?? "";
  }

  async #askMany(
    seen: readonly SeenId[] | undefined,
    current: readonly string[],
    q: { message: string; typed: string; another: string; required: boolean },
  ): Promise<string[]> {
    const validate = (v: string) =>
      !q.required || parseIds(v).length > 0 ||
      "Enter at least one ID (separate several with commas).";
    if (!seen?.length) {
      const text = await this.#p.input({
        message: q.typed,
        ...(current.length ? { default: current.join(", ") } : {}),
        validate,
      });
      return parseIds(text);
    }
    const now = this.#now();
    const seenIds = new Set(seen.map((s) => s.id));
    const choices: CheckboxChoice<string | typeof ANOTHER>[] = [
      ...current.filter((id) => !seenIds.has(id)).map((id) => ({
        value: id,
        name: `${id}  (entered earlier)`,
        short: id,
        checked: true,
      })),
      ...seen.map((s) => ({
        value: s.id,
        name: describeSeenId(s, now),
        short: s.id,
        checked: current.includes(s.id),
      })),
      { value: ANOTHER, name: "another id…" },
    ];
    const picked = await this.#p.checkbox({ message: q.message, choices, required: q.required });
    const ids = picked.filter((v): v is string => typeof v === "string");
    if (picked.includes(ANOTHER)) {
      const text = await this.#p.input({
        message: q.another,
        validate: (v) => parseIds(v).length > 0 || "Enter at least one ID.",
      });
      ids.push(...parseIds(text));
    }
    return [...new Set(ids)];
  }

  async #askOne(
    seen: readonly SeenId[] | undefined,
    current: string | undefined,
    q: { message: string; typed: string; noun: string; optional?: boolean },
  ): Promise<string | undefined> {
    const validate = (v: string) => {
      const id = v.trim();
      if (id === "") return q.optional ? true : `Enter a ${q.noun}.`;
      return !/[\s,]/.test(id) || `Enter one ${q.noun}, without spaces or commas (got "${id}").`;
    };
    const typeIt = async (message: string, def: string | undefined) => {
      const id = (await this.#p.input({ message, ...(def ? { default: def } : {}), validate }))
        .trim();
      return id === "" ? undefined : id;
    };
    if (!seen?.length) return typeIt(q.typed, current);
    const now = this.#now();
    type V = string | typeof ANOTHER | typeof NONE;
    const choices: SelectChoice<V>[] = [];
    if (current && !seen.some((s) => s.id === current)) {
      choices.push({ value: current, name: `${current}  (entered earlier)`, short: current });
    }
    for (const s of seen) choices.push({ value: s.id, name: describeSeenId(s, now), short: s.id });
    choices.push({ value: ANOTHER, name: "another id…" });
    if (q.optional) choices.push({ value: NONE, name: "none" });
    const def: V | undefined = current ?? (q.optional ? NONE : undefined);
    const picked = await this.#p.select<V>({
      message: q.message,
      choices,
      ...(def !== undefined ? { default: def } : {}),
    });
    if (picked === NONE) return undefined;
    if (picked === ANOTHER) {
      return typeIt(`${q.typed.replace(/ \(.*\)$/, "")} (another)`, undefined);
    }
    return picked;
  }
}

/** The review text: tenant, base URL and each step id in order. */
export function planText(a: RunAnswers): string {
  const plan = buildPlan(a);
  const loads = plan.steps.filter((s) => s.kind === "load").length;
  const lines = [
    "",
    "Plan",
    `  tenant    ${a.tenant}`,
    `  base URL  ${a.baseUrl ?? tenantBaseUrl(a.tenant)}`,
    "  steps, in order:",
    ...plan.steps.map((s, i) => {
      const after = s.kind === "load"
        ? ""
        : s.kind === "update"
        ? `  (after ${
          loads === 1 ? "the load" : loads === 2 ? "both loads" : `all ${loads} loads`
        })`
        : `  (after update:${plan.dataProduct})`;
      return `    ${i + 1}. ${s.id}${after}`;
    }),
    "",
  ];
  return lines.join("\n");
}

/** Splits `a, b  c` into ids, dropping empties and repeats. */
export function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ""))];
}

function answersOf(a: {
  tenant: string;
  baseUrl: string | undefined;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow: string | undefined;
  destinations: string[];
}): RunAnswers {
  return {
    tenant: a.tenant,
    ...(a.baseUrl ? { baseUrl: a.baseUrl } : {}),
    apiKey: a.apiKey,
    sources: a.sources,
    dataProduct: a.dataProduct,
    ...(a.workflow ? { workflow: a.workflow } : {}),
    destinations: a.destinations,
  };
}

function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}
