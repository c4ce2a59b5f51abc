/** Reading a scenario from JSON, with a UsageError that names the first field that is wrong. */
import type { z } from "zod";
import { UsageError } from "../kit/errors.ts";
import { scenarioSchema } from "./_scenario_schema.ts";
import type { Scenario } from "./scenario.ts";

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
    "jitter, failures, faults, clockOffsetMs, refuseFilters, listOrder, statusHistoryOrder, " +
    "echoServerFields and pastRuns.";
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
