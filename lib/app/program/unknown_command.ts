/**
 * A first word that is no command: `tamr-refresh demoo` would otherwise reach the default command
 * (`run`) as an argument and be blamed on it. Named as an unknown command, with the nearest one.
 */
import { UsageError } from "../../kit/errors.ts";

/** Throws a UsageError when `args` start with a word that is not one of `commands`. */
export function checkCommandWord(args: readonly string[], commands: readonly string[]): void {
  const word = args[0];
  if (word === undefined || word.startsWith("-") || commands.includes(word)) return;
  const near = nearest(word, commands);
  throw new UsageError(
    `Unknown command "${word}"${near ? `; did you mean "${near}"?` : ""}`,
    { hint: `The commands are: ${commands.join(", ")}. See tamr-refresh --help.` },
  );
}

/** The command within two edits of `word` (or that starts the same way), if there is one. */
function nearest(word: string, commands: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of commands) {
    const d = name.startsWith(word) || word.startsWith(name) ? 1 : distance(word, name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}
