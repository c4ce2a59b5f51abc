/**
 * Listing a tenant's recent jobs to suggest ids, once per connection: a refused key is asked again
 * (at most KEY_RETRIES times); any other failure is said, and ids are typed instead.
 */
import { ApiError, UsageError } from "../lib/kit/errors.ts";
import { redact } from "../lib/kit/api/redact.ts";
import type { Job } from "../lib/kit/api/types.ts";
import type { Connection } from "./answers.ts";
import { type RecentIds, recentIds } from "./recent_ids.ts";

/** How many times a refused key is asked for again before giving up. */
export const KEY_RETRIES = 3;

/** Recent ids per connection, listed once (or once failed), so edits do not list again. */
export class RecentLookup {
  readonly #list: ((conn: Connection) => Promise<Job[]>) | undefined;
  readonly #write: (text: string) => void;
  readonly #seen = new Map<string, RecentIds | undefined>();

  constructor(
    list: ((conn: Connection) => Promise<Job[]>) | undefined,
    write: (text: string) => void,
  ) {
    this.#list = list;
    this.#write = write;
  }

  /** True when there is a way to list recent jobs. */
  get canList(): boolean {
    return this.#list !== undefined;
  }

  async lookup(
    tenant: string,
    baseUrl: string | undefined,
    key: string,
    askKey: () => Promise<string>,
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
          apiKey = await askKey();
          continue;
        }
        const why = redact(error instanceof Error ? error.message : String(error), [apiKey]);
        this.#write(`Could not list recent jobs to suggest IDs (${why}); type the IDs instead.\n`);
        this.#seen.set(memo, undefined);
        return { seen: undefined, apiKey };
      }
    }
  }
}
