/**
 * The zod schema of a scenario read from JSON: step ids, durations as numbers (ms) or strings such
 * as `"3m"`, a signed clock offset, the faults by kind. Unknown fields are refused.
 */
import { z } from "zod";
import { parseDuration } from "../kit/duration.ts";
import { UsageError } from "../kit/errors.ts";

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

/** A signed duration: the tenant's clock ahead (`"10m"`, 600000) or behind (`"-10m"`, -600000). */
const offset = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else {
    const m = /^\s*([+-]?)\s*(.+)$/.exec(value);
    try {
      if (m && m[2] !== undefined) {
        return (m[1] === "-" ? -1 : 1) * parseDuration(m[2], "A clock offset");
      }
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
    if (/^\s*[+-]?\s*0+(ms|s|m|h)?\s*$/.test(value)) return 0;
  }
  ctx.addIssue({
    code: "custom",
    message: `expected a duration such as "10m" or "-10m", or a number of ms, got ${
      JSON.stringify(value)
    }`,
    input: value,
  });
  return z.NEVER;
});

export const scenarioSchema = z.strictObject({
  seed: z.number().int().optional(),
  timeScale: z.number().positive().optional(),
  pendingMs: duration.optional(),
  stoppingMs: duration.optional(),
  jobLimit: z.number().int().positive().optional(),
  durations: z.record(z.union([z.literal("default"), stepId]), duration).optional(),
  jitter: z.number().min(0).max(1).optional(),
  failures: z.record(stepId, failure).optional(),
  faults: z.array(fault).optional(),
  clockOffsetMs: offset.optional(),
  refuseFilters: z.boolean().optional(),
  listOrder: z.enum(["created", "started"]).optional(),
  statusHistoryOrder: z.enum(["oldestFirst", "newestFirst"]).optional(),
  echoServerFields: z.boolean().optional(),
  pastRuns: z.number().int().nonnegative().max(1000).optional(),
});
