/**
 * The tenant's `GET /jobs`: one page of the live jobs a filter lets through, most recent first (by
 * creation, or by start time with `listOrder: "started"`), continued by a page token.
 */
import type { Job, JobPage } from "../kit/api/types.ts";
import { FilterError, type JobPredicate, parseFilter } from "./_filter.ts";
import { type JobRecord, startKey } from "./_job_record.ts";
import { facts } from "./_job_view.ts";
import {
  type Cursor,
  decodePageToken,
  encodePageToken,
  fingerprint,
  invalidToken,
  type ListOrder,
} from "./_page_token.ts";
import { TenantError } from "./tenant_error.ts";

/** What the list endpoint takes. Query-string values are strings; absent means default. */
export interface ListQuery {
  pageSize?: string | number | null | undefined;
  pageToken?: string | null | undefined;
  /** The documented filter; it must be the same on every page of one list. */
  filter?: string | null | undefined;
}

/** How the tenant lists: in which order, whether it reads filters, its clock, how a job shows. */
export interface ListSettings {
  order: ListOrder;
  refuseFilters: boolean;
  /** The tenant's time now. */
  now: () => number;
  /** The job as the API shows it at `t`. */
  view: (r: JobRecord, t: number) => Job;
}

/** A job in the list's order: its sort key is its seq (by creation) or its start time. */
interface Entry {
  r: JobRecord;
  key: number;
}

const MAX_PAGE_SIZE = 30;
const DEFAULT_PAGE_SIZE = 10;

/**
 * One page of the live jobs (oldest first in `live`) the filter lets through. Throws TenantError
 * 400 for a bad pageSize, pageToken or filter, a page token given with another filter, and any
 * filter when `refuseFilters` is set.
 */
export function listPage(
  live: readonly JobRecord[],
  query: ListQuery,
  settings: ListSettings,
): JobPage {
  const pageSize = parsePageSize(query.pageSize);
  const filterText = query.filter ?? "";
  const predicate = filterPredicate(filterText, settings.refuseFilters);
  const { order } = settings;
  const t = settings.now();
  const cursor = query.pageToken ? cursorOf(query.pageToken, order, filterText) : undefined;
  const jobs: Job[] = [];
  let last: Entry | undefined;
  let more = false;
  for (const entry of walk(live, order, t, cursor)) {
    if (predicate && !predicate(facts(entry.r, t))) continue;
    if (jobs.length === pageSize) {
      more = true;
      break;
    }
    jobs.push(settings.view(entry.r, t));
    last = entry;
  }
  const nextPageToken = more && last
    ? encodePageToken({ order, key: last.key, seq: last.r.seq, filter: fingerprint(filterText) })
    : "";
  return { jobs, nextPageToken };
}

/** Where the token's page ended; TenantError 400 when it was given for another order or filter. */
function cursorOf(token: string, order: ListOrder, filterText: string): Cursor {
  const cursor = decodePageToken(token);
  if (cursor.order !== order) throw invalidToken(token);
  if (cursor.filter !== fingerprint(filterText)) {
    throw new TenantError(
      400,
      "The filter must be the same on every page of a list: this pageToken was given for " +
        "another filter.",
    );
  }
  return cursor;
}

/** The filter's predicate, or undefined for none; TenantError 400 when it cannot be read. */
function filterPredicate(text: string, refuseFilters: boolean): JobPredicate | undefined {
  if (text.trim() === "") return undefined;
  if (refuseFilters) {
    throw new TenantError(400, "Invalid argument: filter is not supported on this tenant.");
  }
  try {
    return parseFilter(text);
  } catch (error) {
    if (error instanceof FilterError) {
      throw new TenantError(400, `Invalid filter ${JSON.stringify(text)}: ${error.message}.`);
    }
    throw error;
  }
}

/** Live jobs, most recent first in `order`, after the cursor's job. */
function* walk(
  live: readonly JobRecord[],
  order: ListOrder,
  t: number,
  cursor: Cursor | undefined,
): Generator<Entry> {
  if (order === "created") {
    const end = cursor ? indexBefore(live, cursor.seq) : live.length;
    for (let i = end - 1; i >= 0; i--) {
      const r = live[i]!;
      yield { r, key: r.seq };
    }
    return;
  }
  const entries = live.map((r) => ({ r, key: startKey(r, t) }));
  entries.sort((a, b) => b.key - a.key || b.r.seq - a.r.seq);
  for (const e of entries) {
    if (!cursor || e.key < cursor.key || (e.key === cursor.key && e.r.seq < cursor.seq)) yield e;
  }
}

/** The index in `live` (by seq) of the first job with seq >= `seq` (binary search). */
function indexBefore(live: readonly JobRecord[], seq: number): number {
  let lo = 0;
  let hi = live.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (live[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parsePageSize(value: ListQuery["pageSize"]): number {
  if (value === undefined || value === null || value === "") return DEFAULT_PAGE_SIZE;
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (n === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new TenantError(
      400,
      `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}
