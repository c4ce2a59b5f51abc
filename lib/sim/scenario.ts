/**
 * What the simulated tenant does: how long jobs take, which fail, which requests go wrong.
 * Every duration here is simulated time; the tenant divides it by `timeScale`.
 */
import { z } from "zod";
import { parseDuration } from "../kit/duration.ts";
import { UsageError } from "../kit/errors.ts";

/** How many times something happens: a count, or `"always"`. */
export type Times = number | "always";

/** A job that ends DONE with this error (the first `times` jobs of the step; default always). */
export interface ScenarioFailure {
  reason: string;
  message: string;
  times?: Times;
}

/** Which requests a fault applies to. Every field narrows the match; none matches every request. */
export interface FaultMatch {
  method?: "GET" | "POST";
  path?: "create" | "get" | "list" | "stop";
  /** A step id: creates of that configuration, gets and stops of that step's jobs. */
  step?: string;
  /** Skip the first `after` matching requests. Default 0. */
  after?: number;
  /** How many matching requests get the fault. Default 1. */
  times?: Times;
}

/** One injected fault: what the client sees instead of (or on top of) the normal answer. */
export type Fault =
  & FaultMatch
  & (
    /** Answer `status` with a JSON error body (and `Retry-After` when given); nothing is done. */
    | { kind: "status"; status: number; message?: string; retryAfter?: string }
    /** Answer `status` (default 502) with an HTML page, as a load balancer does; nothing is done. */
    | { kind: "html"; status?: number }
    /** Never answer (nothing is done), until the client gives up or the server closes. */
    | { kind: "hang" }
    /** Break the connection without a usable answer (nothing is done): the client's fetch throws. */
    | { kind: "drop" }
    /** Do the work, then answer with the JSON body cut in half. */
    | { kind: "malformed" }
    /** Do the work, but the job's state reads `STATE_UNSPECIFIED` in the answer. */
    | { kind: "unknownState" }
    /**
     * The create IS performed, but the answer is lost: the connection is dropped (default),
     * an HTML page with `status` is sent, or (with `hang`) no answer comes at all.
     */
    | { kind: "lostCreate"; status?: number; hang?: boolean }
    /**
     * The job is forgotten: a matching get or stop and every later one answer 404. A matching
     * create is answered normally, and then the job is forgotten.
     */
    | { kind: "vanish" }
    /** Answer 401 as if the API key had been revoked. */
    | { kind: "unauthorized" }
    /**
     * A tenant outage: from the first matching request (past `after`), every matching request for
     * `forMs` of the tenant's time is answered `status` (default 503) with a JSON error body and
     * `Retry-After` when given; nothing is done. `times` does not apply.
     */
    | { kind: "outage"; forMs: number; status?: number; retryAfter?: string }
    /** Do the work, then answer 200 with a body of `bytes` (default 50 MB), sent as it is read. */
    | { kind: "oversize"; bytes?: number }
    /** Answer a redirect (`status`, default 307) to `location` (default `/maintenance`); nothing is done. */
    | { kind: "redirect"; status?: number; location?: string }
  );

export type FaultKind = Fault["kind"];

/** The simulated tenant's behaviour. Every field is optional. */
export interface Scenario {
  /** Seed of the PRNG used for jitter. Default 1. */
  seed?: number;
  /** Simulated time per real time: 60 makes one real second a simulated minute. Default 1. */
  timeScale?: number;
  /** How long a job stays PENDING (simulated ms). Default 300. */
  pendingMs?: number;
  /** How long STOPPING lasts before DONE (simulated ms). Default 300. */
  stoppingMs?: number;
  /** At most this many jobs not DONE; a create beyond it answers 429. Default 5. */
  jobLimit?: number;
  /** How long a job RUNS (simulated ms), by step id, with `default` for the rest (2000). */
  durations?: Record<string, number>;
  /** Fraction (0..1) by which durations vary, drawn from the seeded PRNG. Default 0. */
  jitter?: number;
  /** Steps whose jobs fail, by step id. */
  failures?: Record<string, ScenarioFailure>;
  /** Faults injected into the HTTP answers. */
  faults?: Fault[];
}

export const SCENARIO_DEFAULTS = {
  seed: 1,
  timeScale: 1,
  pendingMs: 300,
  stoppingMs: 300,
  jobLimit: 5,
  durationMs: 2000,
  jitter: 0,
} as const;

const STEP_ID = /^(load|update|index|publish):.+$/;
const stepId = z.string().regex(STEP_ID, {
  message: "expected a step id such as load:<sourceId>, update:<dataProductId>, " +
    "index:<workflowId> or publish:<destinationId>",
});

const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  try {
    return parseDuration(value, "A scenario duration");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 500ms, 30s or 3m, got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  }
});

const times = z.union([z.number().int().positive(), z.literal("always")]);

const failure = z.strictObject({
  reason: z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: "expected UPPER_SNAKE_CASE" }),
  message: z.string().min(1),
  times: times.optional(),
});

const match = {
  method: z.enum(["GET", "POST"]).optional(),
  path: z.enum(["create", "get", "list", "stop"]).optional(),
  step: stepId.optional(),
  after: z.number().int().nonnegative().optional(),
  times: times.optional(),
};
const httpStatus = z.number().int().min(400).max(599);

const fault = z.discriminatedUnion("kind", [
  z.strictObject({
    ...match,
    kind: z.literal("status"),
    status: httpStatus,
    message: z.string().optional(),
    retryAfter: z.string().optional(),
  }),
  z.strictObject({ ...match, kind: z.literal("html"), status: httpStatus.optional() }),
  z.strictObject({ ...match, kind: z.literal("hang") }),
  z.strictObject({ ...match, kind: z.literal("drop") }),
  z.strictObject({ ...match, kind: z.literal("malformed") }),
  z.strictObject({ ...match, kind: z.literal("unknownState") }),
  z.strictObject({
    ...match,
    kind: z.literal("lostCreate"),
    status: httpStatus.optional(),
    hang: z.boolean().optional(),
  }),
  z.strictObject({ ...match, kind: z.literal("vanish") }),
  z.strictObject({ ...match, kind: z.literal("unauthorized") }),
  z.strictObject({
    ...match,
    kind: z.literal("outage"),
    forMs: duration,
    status: httpStatus.optional(),
    retryAfter: z.string().optional(),
  }),
  z.strictObject({
    ...match,
    kind: z.literal("oversize"),
    bytes: z.number().int().positive().optional(),
  }),
  z.strictObject({
    ...match,
    kind: z.literal("redirect"),
    status: z.number().int().min(300).max(399).optional(),
    location: z.string().optional(),
  }),
]);

const scenarioSchema = z.strictObject({
  seed: z.number().int().optional(),
  timeScale: z.number().positive().optional(),
  pendingMs: duration.optional(),
  stoppingMs: duration.optional(),
  jobLimit: z.number().int().positive().optional(),
  durations: z.record(z.union([z.literal("default"), stepId]), duration).optional(),
  jitter: z.number().min(0).max(1).optional(),
  failures: z.record(stepId, failure).optional(),
  faults: z.array(fault).optional(),
});

/**
 * Validates a scenario read from JSON. Durations may be numbers (ms) or strings such as `"3m"`.
 * Throws a UsageError naming the first field that is unknown or wrong.
 */
export function parseScenario(json: unknown): Scenario {
  const result = scenarioSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw usageErrorFor(result.error.issues);
  return dropUndefined(result.data) as Scenario;
}

function usageErrorFor(issues: readonly z.core.$ZodIssue[]): UsageError {
  const hint = "A scenario may have seed, timeScale, pendingMs, stoppingMs, jobLimit, durations, " +
    "jitter, failures and faults.";
  const issue = issues[0];
  if (!issue) return new UsageError("Invalid scenario", { hint });
  if (issue.code === "unrecognized_keys") {
    const prefix = issue.path.length ? `${fieldPath(issue.path)}.` : "";
    const names = issue.keys.map((k) => `"${prefix}${k}"`).join(", ");
    return new UsageError(`Invalid scenario: unknown field ${names}`, { hint });
  }
  if (issue.code === "invalid_key") {
    const key = issue.path[issue.path.length - 1];
    return new UsageError(
      `Invalid scenario: key ${JSON.stringify(key)} of field "${
        fieldPath(issue.path.slice(0, -1))
      }" is not a step id (${issue.issues[0]?.message ?? issue.message})`,
      { hint },
    );
  }
  const where = issue.path.length ? `field "${fieldPath(issue.path)}"` : "the scenario";
  let input: unknown = "input" in issue ? issue.input : undefined;
  const last = issue.path[issue.path.length - 1];
  if (issue.code === "invalid_union" && input && typeof input === "object" && last !== undefined) {
    input = (input as Record<PropertyKey, unknown>)[last]; // a discriminator: show its value
  }
  const message = issue.message.replace(/^(Invalid input|Too big|Too small): /, "");
  const got = input === undefined || message.includes(", got ")
    ? ""
    : `, got ${JSON.stringify(input)}`;
  return new UsageError(
    `Invalid scenario: ${where} is wrong: ${message.replace(/, received \w+$/, "")}${got}`,
    { hint },
  );
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`).join(
    "",
  );
}

/** Removes `undefined`-valued keys (zod's optional output) so the result fits exact optionals. */
function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [
        k,
        dropUndefined(v),
      ]),
    );
  }
  return value;
}
