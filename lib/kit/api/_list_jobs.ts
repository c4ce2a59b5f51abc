/** Listing jobs page by page, as one stream of jobs. */
import { ApiError, UsageError } from "../errors.ts";
import { parsePage } from "./_client_parse.ts";
import { API_PREFIX, MAX_PAGE_SIZE } from "./_paths.ts";
import { request } from "./_request.ts";
import type { ResolvedOptions } from "./_resolve_options.ts";
import type { Job, ListJobsOptions } from "./types.ts";

/** Every job the server lists (only those `filter` matches, when given), one page at a time. */
export async function* listJobs(
  cfg: ResolvedOptions,
  opts: ListJobsOptions,
): AsyncGenerator<Job, void, undefined> {
  const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new UsageError(
      `Cannot list jobs: 'pageSize' must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`,
    );
  }
  let pageToken: string | undefined;
  const seen = new Set<string>();
  while (true) {
    const query = new URLSearchParams({ pageSize: String(Math.min(pageSize, MAX_PAGE_SIZE)) });
    if (pageToken) query.set("pageToken", pageToken);
    if (opts.filter !== undefined && opts.filter !== "") query.set("filter", opts.filter);
    const path = `${API_PREFIX}/jobs?${query}`;
    const page = await request(cfg, {
      method: "GET",
      path,
      isCreate: false,
      signal: opts.signal,
      onRetry: opts.onRetry,
      once: opts.once === true,
      parse: parsePage,
    });
    for (const job of page.jobs) yield job;
    if (!page.nextPageToken) return;
    if (seen.has(page.nextPageToken)) {
      throw new ApiError({
        status: 200,
        method: "GET",
        path,
        detail: "the server gave a page token it had given before, so the list would never end",
      });
    }
    seen.add(page.nextPageToken);
    pageToken = page.nextPageToken;
  }
}
