/**
 * The questions of the guided prompts, in order: where the tenant is, the key, one request to check
 * the tenant (which also suggests ids), the ids, and the review that loops until the user confirms.
 */
import { UsageError } from "../lib/kit/errors.ts";
import type { RecentIds } from "./recent_ids.ts";
import {
  answersOf,
  hasPlace,
  parsePlace,
  type Place,
  planText,
  type RunAnswers,
  validatePlace,
} from "./answers.ts";
import { type ListRecentJobs, RecentLookup } from "./recent_lookup.ts";
import { askMany, askOne } from "./id_pickers.ts";
import type { PromptFns, Validate } from "./prompt_fns.ts";
import type { SaveDeps, SaveUsage } from "./save_config.ts";

/** What the prompts are given: the prompt functions, and the effects around the questions. */
export interface AskDeps {
  prompts: PromptFns;
  /**
   * Lists a tenant's recent jobs (newest first): the prompts' first request, which checks the
   * tenant is reachable and the key accepted before any id is asked, and suggests ids. Rejects
   * with ApiError. Without it, nothing is checked and IDs are typed, not chosen.
   */
  listRecentJobs?: ListRecentJobs;
  /** Where the plan review and warnings are printed (stderr by default). */
  write?: (text: string) => void;
  saveConfig?: (path: string, text: string) => Promise<void>;
  /** True when a file is there (a run's save asks before overwriting one); none by default. */
  exists?: (path: string) => Promise<boolean>;
  /** How the saved file is used, for the message that says so. */
  usage?: SaveUsage;
  /** The time "last run 2h ago" is counted from; `Date.now` by default. */
  now?: () => number;
}

type Mode = "run" | "init";
type ReviewChoice = "confirm" | "edit" | "cancel";

/** One session of questions, for `run` or for `init`. */
export class Flow {
  readonly #p: PromptFns;
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #mode: Mode;
  readonly #recentIds: RecentLookup;
  readonly #exists: (path: string) => Promise<boolean>;
  readonly #usage: SaveUsage;

  constructor(deps: AskDeps, mode: Mode) {
    this.#p = deps.prompts;
    this.#write = deps.write ?? writeStderr;
    this.#now = deps.now ?? Date.now;
    this.#recentIds = new RecentLookup(deps.listRecentJobs, this.#write);
    this.#mode = mode;
    this.#exists = deps.exists ?? (() => Promise.resolve(false));
    this.#usage = deps.usage ?? { command: "tamr-refresh", keySet: false };
  }

  saveDeps(saveConfig: (path: string, text: string) => Promise<void>): SaveDeps {
    return {
      confirm: (c) => this.#p.confirm(c),
      input: (c) => this.#p.input(c as { message: string; default?: string; validate?: Validate }),
      saveConfig,
      exists: this.#exists,
      write: this.#write,
      usage: this.#usage,
    };
  }

  /**
   * Asks where the tenant is (unless known), the key (unless known; in `init` only when it can be
   * used), then checks the tenant with one request before any id question, then asks the ids.
   * With `askKnown` every value is asked, the known ones as defaults (Edit, `init`).
   */
  async ask(d: Partial<RunAnswers>, { askKnown }: { askKnown: boolean }): Promise<RunAnswers> {
    const known = hasPlace(d) ? placeFrom(d) : undefined;
    const place = known && !askKnown ? known : await this.#askPlace(known);
    const needIds = askKnown || !d.sources?.length || !d.dataProduct ||
      d.workflow === undefined || d.destinations === undefined;
    let apiKey = d.apiKey;
    if (apiKey === undefined && (this.#mode === "run" || this.#recentIds.canList)) {
      apiKey = await this.#askKey();
    }
    let seen: RecentIds | undefined;
    ({ seen, apiKey } = await this.#recentIds.lookup(
      place,
      apiKey ?? "",
      () => this.#askKey(),
      { ids: needIds },
    ));
    const ask = (given: boolean) => askKnown || !given;
    const sources = ask(!!d.sources?.length)
      ? await this.#askSources(seen, d.sources ?? [])
      : [...d.sources!];
    const dataProduct = ask(!!d.dataProduct)
      ? await this.#askDataProduct(seen, d.dataProduct || undefined)
      : d.dataProduct!;
    const workflow = ask(d.workflow !== undefined)
      ? await this.#askWorkflow(seen, d.workflow || undefined)
      : d.workflow;
    const destinations = ask(d.destinations !== undefined)
      ? await this.#askDestinations(seen, d.destinations ?? [])
      : [...d.destinations!];
    return answersOf({ place, apiKey, sources, dataProduct, workflow, destinations });
  }

  /** Prints the plan and loops Confirm / Edit / Cancel. */
  async review(
    start: RunAnswers,
    q: { message: string; confirm: string },
  ): Promise<RunAnswers | null> {
    let answers = start;
    for (;;) {
      this.#write(planText(answers));
      const choice = await this.#p.select<ReviewChoice>({
        message: q.message,
        choices: [
          { value: "confirm", name: q.confirm },
          { value: "edit", name: "Edit", description: "Change the tenant or the IDs" },
          { value: "cancel", name: "Cancel", description: "Stop here: nothing is created" },
        ],
        default: "confirm",
      });
      if (choice === "confirm") return answers;
      if (choice === "cancel") return null;
      answers = await this.ask(answers, { askKnown: true });
    }
  }

  /**
   * The tenant question: a tenant name or a base URL. With `current`, its tenant (or base URL) is
   * the default, and keeping it keeps the place as it was.
   */
  async #askPlace(current: Place | undefined): Promise<Place> {
    const def = current ? current.tenant ?? current.baseUrl : undefined;
    const answer = (await this.#p.input({
      message: "Tamr tenant (the <tenant> in <tenant>.tamr.cloud), or its base URL",
      ...(def ? { default: def } : {}),
      validate: validatePlace,
    })).trim();
    return current && answer === def ? current : parsePlace(answer);
  }

  async #askKey(): Promise<string> {
    const init = this.#mode === "init";
    const key = await this.#p.password({
      message: init
        ? "Tamr API key, only to check the tenant and suggest IDs; never saved (empty to skip)"
        : "Tamr API key (Admin > API Keys in Tamr)",
      mask: true,
      validate: (v) => init || v.trim() !== "" || "Enter the API key; it is not shown as you type.",
    });
    return key.trim();
  }

  #askSources(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return askMany(this.#p, this.#now(), seen?.sources, current, {
      message: "Sources to refresh first",
      typed: "Source IDs to refresh first (comma-separated)",
      another: "Other source IDs",
      required: true,
      noun: "source ID",
    });
  }

  #askDestinations(seen: RecentIds | undefined, current: readonly string[]): Promise<string[]> {
    return askMany(this.#p, this.#now(), seen?.destinations, current, {
      message: "Destinations to publish to afterwards (optional)",
      typed: "Destination IDs to publish to afterwards (comma-separated, empty for none)",
      another: "Other destination IDs",
      required: false,
      noun: "destination ID",
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

/** The place of partial answers that have one: the tenant, the base URL, or both. */
function placeFrom(d: Place): Place {
  return {
    ...(d.tenant !== undefined ? { tenant: d.tenant } : {}),
    ...(d.baseUrl !== undefined ? { baseUrl: d.baseUrl } : {}),
  };
}

function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}
