/**
 * The prompts' first request to a tenant, before any id is asked: it checks that the tenant is
 * reachable and the key accepted, and lists the recent jobs to suggest ids. A refused key is asked
 * again (at most KEY_RETRIES times); a tenant that cannot be reached or answers with an error stops
 * the prompts at once (exit 4), saying what to check. Once per connection.
 */
import { ApiError, InterruptedError, UsageError } from "../lib/kit/errors.ts";
import { redact } from "../lib/kit/api/redact.ts";
import type { Job } from "../lib/kit/api/types.ts";
import { baseUrlOf, type Connection, labelOf, type Place } from "./answers.ts";
import { type RecentIds, recentIds } from "./recent_ids.ts";

/** How many times a refused key is asked for again before giving up. */
export const KEY_RETRIES = 3;

/** How many recent jobs are listed to suggest ids. */
export const RECENT_JOBS = 100;

/** Lists up to `max` recent jobs of a tenant, newest first; rejects with ApiError. */
export type ListRecentJobs = (conn: Connection, options: { max: number }) => Promise<Job[]>;

/** Recent ids per connection, listed once (or checked once), so edits do not ask Tamr again. */
export class RecentLookup {
  readonly #list: ListRecentJobs | undefined;
  readonly #write: (text: string) => void;
  /** Per connection: the ids seen, or undefined when only checked or listing failed. */
  readonly #seen = new Map<string, { seen: RecentIds | undefined; listed: boolean }>();

  constructor(list: ListRecentJobs | undefined, write: (text: string) => void) {
    this.#list = list;
    this.#write = write;
  }

  /** True when there is a way to ask Tamr. */
  get canList(): boolean {
    return this.#list !== undefined;
  }

  /**
   * Checks the connection with one request and, with `ids`, lists recent jobs to suggest ids (a
   * check alone asks for one job). Nothing is asked without a key. A refused key is asked again
   * with `askKey`; a tenant that cannot be used throws an ApiError (exit 4) naming what to check.
   */
  async lookup(
    place: Place,
    key: string,
    askKey: () => Promise<string>,
    options: { ids: boolean },
  ): Promise<{ seen: RecentIds | undefined; apiKey: string }> {
    let apiKey = key;
    const tenant = labelOf(place);
    const baseUrl = baseUrlOf(place);
    for (let retries = 0;; retries++) {
      if (!this.#list || apiKey === "") return { seen: undefined, apiKey };
      const memo = JSON.stringify([baseUrl, apiKey]);
      const known = this.#seen.get(memo);
      if (known && (known.listed || !options.ids)) return { seen: known.seen, apiKey };
      try {
        const jobs = await this.#list(
          { ...(place.tenant !== undefined ? { tenant: place.tenant } : {}), baseUrl, apiKey },
          { max: options.ids ? RECENT_JOBS : 1 },
        );
        const seen = options.ids ? recentIds(jobs) : undefined;
        this.#seen.set(memo, { seen, listed: options.ids });
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
        if (error instanceof ApiError) throw unusable(error, place, apiKey);
        // An interrupt (Ctrl-C, SIGTERM) while asking Tamr ends the prompts.
        if (error instanceof InterruptedError) throw error;
        const why = redact(error instanceof Error ? error.message : String(error), [apiKey]);
        this.#write(`Could not list recent jobs to suggest IDs (${why}); type the IDs instead.\n`);
        this.#seen.set(memo, { seen: undefined, listed: true });
        return { seen: undefined, apiKey };
      }
    }
  }
}

/**
 * The one sentence the prompts stop with when the tenant cannot be used: where it was looked for,
 * what to check, and Tamr's (or the network's) answer. An ApiError, so the exit code is 4.
 */
function unusable(error: ApiError, place: Place, apiKey: string): ApiError {
  const baseUrl = baseUrlOf(place);
  const what = redact(error.message.replace(/^Tamr API request failed[^:]*: /, ""), [apiKey]);
  const check = place.baseUrl !== undefined
    ? "check --base-url or TAMR_BASE_URL"
    : "check the tenant name, or give --base-url or TAMR_BASE_URL";
  const where = place.tenant !== undefined ? `tenant ${place.tenant} at ${baseUrl}` : baseUrl;
  const e = new ApiError({
    status: error.status,
    method: error.method,
    path: error.path,
    tamrMessage: error.tamrMessage,
    attempts: error.attempts,
    cause: error,
  });
  e.message = `${error.status === null ? "Cannot reach" : "Cannot use"} ${where} (${check}): ` +
    `${what}${/[.!?]$/.test(what) ? "" : "."}`;
  return e;
}
