/**
 * The simulated tenant's reading of the `filter` of `GET /jobs`: the documented fields and
 * functions, `AND`, `OR`, `NOT` (or `-`) and parentheses, in the grammar of Google's AIP-160 that
 * Tamr's API follows (juxtaposition is `AND`, and `OR` binds tighter than `AND`). Anything else is
 * refused with a sentence saying what and where, which the tenant answers with 400.
 */

/** What a filter can ask of one job, at the moment of the request. */
export interface JobFacts {
  jobId: string;
  configuration: Record<string, unknown>;
  state: string;
  hasError: boolean;
  /** ms since the epoch, by the tenant's clock; undefined when it did not happen. */
  createTime: number;
  startTime: number | undefined;
  cancelTime: number | undefined;
  stopTime: number | undefined;
}

/** A parsed filter: true for the jobs it lets through. */
export type JobPredicate = (job: JobFacts) => boolean;

/** A filter the tenant cannot read: `message` says why. */
export class FilterError extends Error {
  override name = "FilterError";
}

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

type Token =
  | { kind: "(" | ")" | "op"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "word"; text: string; at: number };

const OPERATORS = ["!=", "<=", ">=", "=", "<", ">", ":"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ kind: c, text: c, at: i++ });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '"') {
      const at = i++;
      let value = "";
      for (;;) {
        if (i >= text.length) throw new FilterError(`unterminated string at position ${at + 1}`);
        const d = text[i++]!;
        if (d === '"') break;
        if (d === "\\") {
          const e = text[i++];
          if (e !== '"' && e !== "\\") {
            throw new FilterError(
              `unknown escape "\\${e ?? ""}" at position ${i - 1}: only \\" and \\\\ are allowed`,
            );
          }
          value += e;
        } else {
          value += d;
        }
      }
      tokens.push({ kind: "string", text: value, at });
      continue;
    }
    if (c === "-") {
      tokens.push({ kind: "op", text: "-", at: i++ });
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (!m) throw new FilterError(`unexpected ${JSON.stringify(c)} at position ${i + 1}`);
    tokens.push({ kind: "word", text: m[0], at: i });
    i += m[0].length;
  }
  return tokens;
}

/**
 * Parses a filter. Throws a FilterError naming what is wrong and where.
 *
 * @example
 * ```ts
 * import { parseFilter } from "./_filter.ts";
 *
 * const unfinished = parseFilter('configuration.load.source_id = "s1" AND status.state != DONE');
 * ```
 */
export function parseFilter(text: string): JobPredicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = () => {
    const t = peek();
    return t ? `at position ${t.at + 1} (${JSON.stringify(t.text)})` : "at the end";
  };
  const isWord = (word: string) => {
    const t = peek();
    return t?.kind === "word" && t.text === word;
  };

  // expression := sequence { AND sequence }
  const expression = (): JobPredicate => {
    const parts = [sequence()];
    while (isWord("AND")) {
      pos++;
      parts.push(sequence());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.every((p) => p(j));
  };
  // sequence := factor { factor }   (juxtaposition is AND)
  const sequence = (): JobPredicate => {
    const parts = [factor()];
    for (;;) {
      const t = peek();
      if (!t || t.kind === ")" || isWord("AND")) break;
      parts.push(factor());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.every((p) => p(j));
  };
  // factor := term { OR term }
  const factor = (): JobPredicate => {
    const parts = [term()];
    while (isWord("OR")) {
      pos++;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.some((p) => p(j));
  };
  // term := [ NOT | - ] simple
  const term = (): JobPredicate => {
    const t = peek();
    if ((t?.kind === "word" && t.text === "NOT") || (t?.kind === "op" && t.text === "-")) {
      pos++;
      const inner = simple();
      return (j) => !inner(j);
    }
    return simple();
  };
  // simple := "(" expression ")" | restriction
  const simple = (): JobPredicate => {
    const t = peek();
    if (t?.kind === "(") {
      pos++;
      const inner = expression();
      if (peek()?.kind !== ")") throw new FilterError(`expected ")" ${where()}`);
      pos++;
      return inner;
    }
    return restriction();
  };
  const restriction = (): JobPredicate => {
    const name = peek();
    if (name?.kind !== "word" || ["AND", "OR", "NOT"].includes(name.text)) {
      throw new FilterError(`expected a field or a function ${where()}`);
    }
    pos++;
    let isFunction = false;
    if (peek()?.kind === "(") {
      pos++;
      if (peek()?.kind !== ")") {
        throw new FilterError(`expected "()" after ${name.text} ${where()}`);
      }
      pos++;
      isFunction = true;
    }
    const op = peek();
    if (op?.kind !== "op" || op.text === "-") {
      throw new FilterError(`expected a comparison after ${name.text} ${where()}`);
    }
    pos++;
    const arg = peek();
    if (arg?.kind !== "string" && arg?.kind !== "word") {
      throw new FilterError(`expected a value after ${name.text} ${op.text} ${where()}`);
    }
    pos++;
    return isFunction
      ? timeRestriction(name.text, op.text, arg)
      : fieldRestriction(name.text, op.text, arg);
  };

  if (tokens.length === 0) return () => true;
  const predicate = expression();
  if (pos < tokens.length) throw new FilterError(`unexpected ${where()}`);
  return predicate;
}

function fieldRestriction(name: string, op: string, arg: Token): JobPredicate {
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

function timeRestriction(name: string, op: string, arg: Token): JobPredicate {
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
