/**
 * What each restriction of a job filter tests: the documented string fields, `status.state`,
 * presence tests such as `configuration:load`, and the time functions compared with RFC 3339 times.
 */
import type { Token } from "./_filter_tokens.ts";
import { FilterError, type JobFacts, type JobPredicate } from "./_filter_types.ts";

const STRING_FIELDS: Record<string, (job: JobFacts) => unknown> = {
  job_id: (j) => j.jobId,
  "configuration.load.source_id": (j) => field(j, "load", "sourceId"),
  "configuration.update.data_product_id": (j) => field(j, "update", "dataProductId"),
  "configuration.update.workflow_id": (j) => field(j, "update", "workflowId"),
  "configuration.publish.destination_id": (j) => field(j, "publish", "destinationId"),
  "configuration.publish.data_product_id": (j) => field(j, "publish", "dataProductId"),
};

const TIME_FUNCTIONS: Record<string, (job: JobFacts) => number | undefined> = {
  create_time: (j) => j.createTime,
  start_time: (j) => j.startTime,
  cancel_time: (j) => j.cancelTime,
  stop_time: (j) => j.stopTime,
};

const PRESENCE: Record<string, (job: JobFacts) => boolean> = {
  "configuration:load": (j) => j.configuration["load"] !== undefined,
  "configuration:update": (j) => j.configuration["update"] !== undefined,
  "configuration:publish": (j) => j.configuration["publish"] !== undefined,
  "status:error": (j) => j.hasError,
};

const STATES = new Set(["STATE_UNSPECIFIED", "PENDING", "RUNNING", "STOPPING", "DONE"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function field(job: JobFacts, kind: string, name: string): unknown {
  const fields = job.configuration[kind];
  return typeof fields === "object" && fields !== null
    ? (fields as Record<string, unknown>)[name]
    : undefined;
}

/** `name op arg` for a field or a presence test (`name:arg`). */
export function fieldRestriction(name: string, op: string, arg: Token): JobPredicate {
  if (op === ":") {
    const test = PRESENCE[`${name}:${arg.text}`];
    if (!test || arg.kind !== "word") {
      throw new FilterError(
        `unknown presence test "${name}:${arg.text}": expected configuration:load, ` +
          `configuration:update, configuration:publish or status:error`,
      );
    }
    return test;
  }
  if (op !== "=" && op !== "!=") {
    throw new FilterError(`${name} can only be compared with = or !=, got ${op}`);
  }
  const equal = op === "=";
  if (name === "status.state") {
    if (!STATES.has(arg.text)) {
      throw new FilterError(`unknown state ${JSON.stringify(arg.text)} for status.state`);
    }
    return (j) => (j.state === arg.text) === equal;
  }
  const read = STRING_FIELDS[name];
  if (!read) throw new FilterError(`unknown field ${JSON.stringify(name)}`);
  if (arg.kind !== "string") {
    throw new FilterError(
      `the value of ${name} must be a string in double quotes, got ${arg.text}`,
    );
  }
  return (j) => (read(j) === arg.text) === equal;
}

/** `name() op arg`: a time function compared with an RFC 3339 time. */
export function timeRestriction(name: string, op: string, arg: Token): JobPredicate {
  const read = TIME_FUNCTIONS[name];
  if (!read) throw new FilterError(`unknown function ${name}()`);
  if (arg.kind !== "string" || !RFC3339.test(arg.text) || !Number.isFinite(Date.parse(arg.text))) {
    throw new FilterError(
      `${name}() must be compared with an RFC 3339 time in double quotes, got ${arg.text}`,
    );
  }
  const at = Date.parse(arg.text);
  const compare: Record<string, (t: number) => boolean> = {
    "=": (t) => t === at,
    "!=": (t) => t !== at,
    "<": (t) => t < at,
    "<=": (t) => t <= at,
    ">": (t) => t > at,
    ">=": (t) => t >= at,
  };
  const test = compare[op];
  if (!test) throw new FilterError(`${name}() cannot be compared with ${op}`);
  return (j) => {
    const t = read(j);
    return t !== undefined && test(t);
  };
}
