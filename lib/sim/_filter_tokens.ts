/** The words of a job filter: parentheses, comparisons, `-`, strings in double quotes, names. */
import { FilterError } from "./_filter_types.ts";

export type Token =
  | { kind: "(" | ")" | "op"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "word"; text: string; at: number };

const OPERATORS = ["!=", "<=", ">=", "=", "<", ">", ":"];

/** The filter's tokens; a FilterError for a character or string it cannot read. */
export function tokenize(text: string): Token[] {
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
