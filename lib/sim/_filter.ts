/**
 * The simulated tenant's reading of the `filter` of `GET /jobs`: the documented fields and
 * functions, `AND`, `OR`, `NOT` (or `-`) and parentheses, in the grammar of Google's AIP-160 that
 * Tamr's API follows (juxtaposition is `AND`, and `OR` binds tighter than `AND`). Anything else is
 * refused with a sentence saying what and where, which the tenant answers with 400. The words are
 * read by `_filter_tokens.ts`, and each restriction tested by `_filter_eval.ts`.
 */
import { fieldRestriction, timeRestriction } from "./_filter_eval.ts";
import { type Token, tokenize } from "./_filter_tokens.ts";
import { FilterError, type JobPredicate } from "./_filter_types.ts";

export { FilterError } from "./_filter_types.ts";
export type { JobFacts, JobPredicate } from "./_filter_types.ts";

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
  if (tokens.length === 0) return () => true;
  return new Parser(tokens).filter();
}

/** A recursive-descent parser over the tokens, one method per rule of the grammar. */
class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  /** The whole filter: one expression, and nothing after it. */
  filter(): JobPredicate {
    const predicate = this.#expression();
    if (this.#pos < this.#tokens.length) throw new FilterError(`unexpected ${this.#where()}`);
    return predicate;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }

  #where(): string {
    const t = this.#peek();
    return t ? `at position ${t.at + 1} (${JSON.stringify(t.text)})` : "at the end";
  }

  #isWord(word: string): boolean {
    const t = this.#peek();
    return t?.kind === "word" && t.text === word;
  }

  // expression := sequence { AND sequence }
  #expression(): JobPredicate {
    const parts = [this.#sequence()];
    while (this.#isWord("AND")) {
      this.#pos++;
      parts.push(this.#sequence());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.every((p) => p(j));
  }

  // sequence := factor { factor }   (juxtaposition is AND)
  #sequence(): JobPredicate {
    const parts = [this.#factor()];
    for (;;) {
      const t = this.#peek();
      if (!t || t.kind === ")" || this.#isWord("AND")) break;
      parts.push(this.#factor());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.every((p) => p(j));
  }

  // factor := term { OR term }
  #factor(): JobPredicate {
    const parts = [this.#term()];
    while (this.#isWord("OR")) {
      this.#pos++;
      parts.push(this.#term());
    }
    return parts.length === 1 ? parts[0]! : (j) => parts.some((p) => p(j));
  }

  // term := [ NOT | - ] simple
  #term(): JobPredicate {
    const t = this.#peek();
    if ((t?.kind === "word" && t.text === "NOT") || (t?.kind === "op" && t.text === "-")) {
      this.#pos++;
      const inner = this.#simple();
      return (j) => !inner(j);
    }
    return this.#simple();
  }

  // simple := "(" expression ")" | restriction
  #simple(): JobPredicate {
    const t = this.#peek();
    if (t?.kind === "(") {
      this.#pos++;
      const inner = this.#expression();
      if (this.#peek()?.kind !== ")") throw new FilterError(`expected ")" ${this.#where()}`);
      this.#pos++;
      return inner;
    }
    return this.#restriction();
  }

  // restriction := name [ "()" ] op value
  #restriction(): JobPredicate {
    const name = this.#peek();
    if (name?.kind !== "word" || ["AND", "OR", "NOT"].includes(name.text)) {
      throw new FilterError(`expected a field or a function ${this.#where()}`);
    }
    this.#pos++;
    let isFunction = false;
    if (this.#peek()?.kind === "(") {
      this.#pos++;
      if (this.#peek()?.kind !== ")") {
        throw new FilterError(`expected "()" after ${name.text} ${this.#where()}`);
      }
      this.#pos++;
      isFunction = true;
    }
    const op = this.#peek();
    if (op?.kind !== "op" || op.text === "-") {
      throw new FilterError(`expected a comparison after ${name.text} ${this.#where()}`);
    }
    this.#pos++;
    const arg = this.#peek();
    if (arg?.kind !== "string" && arg?.kind !== "word") {
      throw new FilterError(`expected a value after ${name.text} ${op.text} ${this.#where()}`);
    }
    this.#pos++;
    return isFunction
      ? timeRestriction(name.text, op.text, arg)
      : fieldRestriction(name.text, op.text, arg);
  }
}
