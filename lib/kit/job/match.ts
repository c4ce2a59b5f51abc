/**
 * Whether a job found on the tenant does what we asked for. The API echoes a job's configuration
 * "as created", but it may fill in fields of its own (a default, an empty or null field), so a job
 * matches when everything we sent is there with the same value, whatever else it carries.
 */

/** The configuration kinds: a job has exactly one. */
const KINDS = ["load", "update", "publish"] as const;

/**
 * Fields that tell two jobs of one kind apart: `update` runs a data product or a search-index
 * workflow. A job with a non-empty one we did not send is the other job, even if the server also
 * filled in the one we sent (an index job that names its workflow's data product).
 */
const EXCLUSIVE: Record<string, readonly string[]> = { update: ["dataProductId", "workflowId"] };

/**
 * True when the configuration `got` (a job's, as the tenant echoes it) asks for what `sent` asked:
 * every field of `sent` is in `got` with an equal value, at any depth. Fields the server added, or
 * left empty or null, do not break a match; a field we sent that comes back missing, empty or
 * different does, and so does another kind (or, for `update`, the other target) with a value.
 *
 * @example
 * ```ts
 * import { matchesSent } from "./match.ts";
 *
 * const sent = { load: { sourceId: "src_crm" } };
 * console.assert(matchesSent(sent, { load: { sourceId: "src_crm", mode: "FULL", note: null } }));
 * console.assert(!matchesSent(sent, { load: { sourceId: "src_erp" } }));
 * ```
 */
export function matchesSent(sent: unknown, got: unknown): boolean {
  if (!covers(sent, got)) return false;
  if (!isRecord(sent) || !isRecord(got)) return true;
  for (const kind of KINDS) {
    if (!(kind in sent) && !isEmpty(got[kind])) return false; // another kind of job
  }
  for (const [kind, fields] of Object.entries(EXCLUSIVE)) {
    const ours = sent[kind];
    const theirs = got[kind];
    if (!isRecord(ours) || !isRecord(theirs)) continue;
    for (const field of fields) {
      if (!(field in ours) && !isEmpty(theirs[field])) return false; // the other target
    }
  }
  return true;
}

/** Every field of `sent` is in `got`, equal; arrays equal element by element. */
function covers(sent: unknown, got: unknown): boolean {
  if (isRecord(sent)) {
    if (!isRecord(got)) return false;
    return Object.entries(sent).every(([key, value]) =>
      value === undefined || covers(value, got[key])
    );
  }
  if (Array.isArray(sent)) {
    return Array.isArray(got) && got.length === sent.length &&
      sent.every((value, i) => covers(value, got[i]));
  }
  return Object.is(sent, got);
}

/** Nothing there: absent, null, "", an empty array, or an object of empty fields. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every(isEmpty);
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
