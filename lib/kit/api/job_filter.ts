/**
 * The `filter` of `GET /jobs`, as Tamr's API reference documents it: built from parts and rendered
 * as the API reads it. The tenant's answer is a narrowing, not a verdict: callers still check each
 * job they get (`matchesSent`), and fall back to scanning when a tenant refuses a filter (400).
 */
import type { JobConfiguration } from "./types.ts";

/** The documented string fields, compared with `=` or `!=`. */
export type FilterField =
  | "job_id"
  | "configuration.load.source_id"
  | "configuration.update.data_product_id"
  | "configuration.update.workflow_id"
  | "configuration.publish.destination_id"
  | "configuration.publish.data_product_id";

/** The documented time functions, compared with an RFC 3339 time. */
export type FilterTime = "create_time" | "start_time" | "cancel_time" | "stop_time";

/** The documented presence tests. */
export type FilterPresence =
  | "configuration:load"
  | "configuration:update"
  | "configuration:publish"
  | "status:error";

/** A comparison of a time function. */
export type TimeComparator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A filter expression; render it with `renderFilter()`. */
export type JobFilter =
  | { field: FilterField; op: "=" | "!="; value: string }
  | { state: "=" | "!="; value: string }
  | { time: FilterTime; op: TimeComparator; at: number }
  | { has: FilterPresence }
  | { and: readonly JobFilter[] }
  | { or: readonly JobFilter[] }
  | { not: JobFilter };

/** `field = "value"`. */
export function fieldIs(field: FilterField, value: string): JobFilter {
  return { field, op: "=", value };
}

/** `status.state = STATE` (`op` "!=" for the opposite). */
export function stateIs(value: string, op: "=" | "!=" = "="): JobFilter {
  return { state: op, value };
}

/** `create_time() >= "..."`: created at or after `at` (ms since the epoch, by the tenant's clock). */
export function createdSince(at: number): JobFilter {
  return { time: "create_time", op: ">=", at };
}

/** Every part holds (`AND`). */
export function allOf(...parts: JobFilter[]): JobFilter {
  return { and: parts };
}

/** One part holds at least (`OR`). */
export function anyOf(...parts: JobFilter[]): JobFilter {
  return { or: parts };
}

/** The part does not hold (`NOT`). */
export function not(part: JobFilter): JobFilter {
  return { not: part };
}

/**
 * A string value in double quotes, with `"` and `\` escaped by a backslash.
 *
 * @example
 * ```ts
 * import { quoteFilterString } from "./job_filter.ts";
 *
 * console.assert(quoteFilterString('a"b\\c') === '"a\\"b\\\\c"');
 * ```
 */
export function quoteFilterString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The filter text. Compound parts are always put in parentheses, so the result does not depend on
 * how the API ranks `AND` against `OR`.
 *
 * @example
 * ```ts
 * import { allOf, configurationFilter, renderFilter, stateIs } from "./job_filter.ts";
 *
 * const text = renderFilter(
 *   allOf(configurationFilter({ load: { sourceId: "src_crm" } }), stateIs("DONE", "!=")),
 * );
 * console.assert(text === 'configuration.load.source_id = "src_crm" AND status.state != DONE');
 * ```
 */
export function renderFilter(filter: JobFilter): string {
  if ("field" in filter) return `${filter.field} ${filter.op} ${quoteFilterString(filter.value)}`;
  if ("state" in filter) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(filter.value)) {
      throw new TypeError(
        `Cannot build a job filter: a state must be UPPER_SNAKE_CASE, got ${
          JSON.stringify(filter.value)
        }`,
      );
    }
    return `status.state ${filter.state} ${filter.value}`;
  }
  if ("time" in filter) {
    return `${filter.time}() ${filter.op} ${quoteFilterString(timeLiteral(filter.at, filter.op))}`;
  }
  if ("has" in filter) return filter.has;
  if ("not" in filter) return `NOT ${nested(filter.not)}`;
  const parts = "and" in filter ? filter.and : filter.or;
  if (parts.length === 0) {
    throw new TypeError("Cannot build a job filter: AND and OR need at least one part");
  }
  return parts.map(nested).join("and" in filter ? " AND " : " OR ");
}

/** A part inside AND, OR or NOT: in parentheses unless it is a single test. */
function nested(part: JobFilter): string {
  const compound = "not" in part || ("and" in part && part.and.length > 1) ||
    ("or" in part && part.or.length > 1);
  return compound ? `(${renderFilter(part)})` : renderFilter(part);
}

/**
 * An RFC 3339 time to the second in UTC. Rounded so that the comparison lets through at least what
 * was asked: down for `>=` and `>`, up for `<=` and `<`; exact (milliseconds kept) otherwise.
 */
function timeLiteral(at: number, op: TimeComparator): string {
  if (!Number.isFinite(at)) {
    throw new TypeError(`Cannot build a job filter: the time must be finite, got ${at}`);
  }
  if (op === "=" || op === "!=") return new Date(at).toISOString();
  const s = op === ">=" || op === ">" ? Math.floor(at / 1000) : Math.ceil(at / 1000);
  return new Date(s * 1000).toISOString().replace(".000Z", "Z");
}

/** The documented filter field of each configuration field we send. */
const CONFIGURATION_FIELDS: Record<string, Record<string, FilterField>> = {
  load: { sourceId: "configuration.load.source_id" },
  update: {
    dataProductId: "configuration.update.data_product_id",
    workflowId: "configuration.update.workflow_id",
  },
  publish: {
    destinationId: "configuration.publish.destination_id",
    dataProductId: "configuration.publish.data_product_id",
  },
};

/**
 * The filter for jobs of a configuration: each of its fields that the API can filter on, equal.
 * A field it cannot filter on is left out (the caller checks each job anyway); a configuration
 * with none is narrowed to its kind.
 *
 * @example
 * ```ts
 * import { configurationFilter, renderFilter } from "./job_filter.ts";
 *
 * const text = renderFilter(configurationFilter({ publish: { destinationId: "d", dataProductId: "p" } }));
 * console.assert(
 *   text === 'configuration.publish.destination_id = "d" AND configuration.publish.data_product_id = "p"',
 * );
 * ```
 */
export function configurationFilter(configuration: JobConfiguration): JobFilter {
  const parts: JobFilter[] = [];
  let kind: string | undefined;
  for (const [k, fields] of Object.entries(configuration as Record<string, unknown>)) {
    kind ??= k;
    const names = CONFIGURATION_FIELDS[k];
    if (!names || typeof fields !== "object" || fields === null) continue;
    for (const [name, value] of Object.entries(fields)) {
      const field = names[name];
      if (field && typeof value === "string") parts.push(fieldIs(field, value));
    }
  }
  if (parts.length) return parts.length === 1 ? parts[0]! : allOf(...parts);
  if (kind === "load" || kind === "update" || kind === "publish") {
    return { has: `configuration:${kind}` };
  }
  throw new TypeError(
    `Cannot build a job filter: unknown configuration ${JSON.stringify(configuration)}`,
  );
}
