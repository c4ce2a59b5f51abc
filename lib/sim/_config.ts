import type { JobConfiguration } from "../kit/api/types.ts";
import { stepIdFor } from "../kit/run/plan.ts";

/** The step id a configuration belongs to: the kit's rule (`stepIdFor`). */
export function stepIdOf(configuration: JobConfiguration): string {
  return stepIdFor(configuration) ?? "unknown";
}

/** The fields each configuration kind takes; `update` takes exactly one of its two. */
const KINDS: Record<string, { required: string[]; oneOf?: string[] }> = {
  load: { required: ["sourceId"] },
  update: { required: [], oneOf: ["dataProductId", "workflowId"] },
  publish: { required: ["destinationId", "dataProductId"] },
};

/**
 * Checks a create request's body the way the tenant does. Returns the configuration, or a sentence
 * naming what is wrong (answered 400).
 */
export function checkCreateBody(
  body: unknown,
): { configuration: JobConfiguration } | { problem: string } {
  if (!isObject(body)) {
    return { problem: `The request body must be a JSON object, got ${describe(body)}.` };
  }
  for (const key of Object.keys(body)) {
    if (key !== "configuration") return { problem: `Unknown field "${key}" in the request body.` };
  }
  const configuration = body.configuration;
  if (!isObject(configuration)) {
    return {
      problem: `The request body must have a "configuration" object, got ${
        describe(configuration)
      }.`,
    };
  }
  const kinds = Object.keys(configuration);
  const unknown = kinds.find((k) => !(k in KINDS));
  if (unknown !== undefined) {
    return {
      problem: `Unknown configuration kind "${unknown}": expected one of load, update, publish.`,
    };
  }
  const kind = kinds[0];
  if (kind === undefined || kinds.length !== 1) {
    return {
      problem: `The configuration must have exactly one of load, update, publish, got ${
        kinds.length ? kinds.join(", ") : "none"
      }.`,
    };
  }
  const spec = KINDS[kind]!;
  const fields = configuration[kind];
  if (!isObject(fields)) {
    return { problem: `configuration.${kind} must be an object, got ${describe(fields)}.` };
  }
  const allowed = [...spec.required, ...(spec.oneOf ?? [])];
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) {
      return { problem: `Unknown field "${key}" in configuration.${kind}.` };
    }
  }
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (typeof value !== "string" || value.trim() === "") {
      return {
        problem: `configuration.${kind}.${key} must be a non-empty string, got ${describe(value)}.`,
      };
    }
  }
  for (const key of spec.required) {
    if (!(key in fields)) return { problem: `configuration.${kind}.${key} is required.` };
  }
  if (spec.oneOf) {
    const present = spec.oneOf.filter((k) => k in fields);
    if (present.length !== 1) {
      return {
        problem: `configuration.${kind} must have exactly one of ${spec.oneOf.join(", ")}, got ${
          present.length ? present.join(", ") : "none"
        }.`,
      };
    }
  }
  return { configuration: structuredClone(configuration) as unknown as JobConfiguration };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
