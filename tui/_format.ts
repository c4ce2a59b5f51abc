/**
 * The dashboard's text helpers, on the libraries Ink itself measures and cuts text with
 * (string-width, cli-truncate, wrap-ansi): a CJK character or an emoji takes two cells here as it
 * does on the terminal and in Ink's layout.
 */
import cliTruncate from "cli-truncate";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";

/**
 * Pads or cuts `text` to exactly `width` cells. Cuts keep both ends, since ids often differ at
 * either end: `source-0…-0042`.
 */
export function fit(text: string, width: number, align: "left" | "right" = "left"): string {
  const cut = cliTruncate(text, Math.max(0, width), { position: "middle" });
  // A wide character that does not fit whole is left out, so the cut may be a cell short.
  const pad = " ".repeat(Math.max(0, width - stringWidth(cut)));
  return align === "left" ? cut + pad : pad + cut;
}

/**
 * `text` on lines of at most `width` cells, broken at spaces (runs of white space count as one),
 * words longer than a line split. At most `maxLines` lines; the last ends with `…` when text was
 * left out.
 */
export function wrapLines(text: string, width: number, maxLines = Infinity): string[] {
  const w = Math.max(1, width);
  const words = text.split(/\s+/).filter((x) => x !== "").join(" ");
  if (words === "") return [];
  const lines = wrapAnsi(words, w, { hard: true }).split("\n");
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(0, maxLines));
  const last = kept.length - 1;
  if (last >= 0) kept[last] = cliTruncate(`${kept[last]} …`, w);
  return kept;
}

/** `1 source`, `3 sources`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a cell of the progress bar stands for. */
export type BarPart = "succeeded" | "failed" | "stopped" | "skipped" | "todo";

/**
 * The bar's characters: the marks of the rows, so that the bar reads without colour. `todo` is
 * what has not ended (or, once the run ended, never started).
 */
export const BAR_CHARS: Record<BarPart, string> = {
  succeeded: "█",
  failed: "✖",
  stopped: "■",
  skipped: "–",
  todo: "░",
};

const BAR_ORDER: readonly BarPart[] = ["succeeded", "failed", "stopped", "skipped", "todo"];

/**
 * A bar of `width` cells in parts, in proportion to the counts: `[["succeeded", 8], ["failed",
 * 2], ["skipped", 10]]`. A part with steps takes at least one cell, so one failure among 200
 * steps shows, and the bar is all `succeeded` only when every step succeeded.
 */
export function barParts(
  counts: Partial<Record<BarPart, number>>,
  width: number,
): [BarPart, number][] {
  const n = BAR_ORDER.map((p) => Math.max(0, counts[p] ?? 0));
  const total = n.reduce((a, b) => a + b, 0);
  if (total === 0 || width <= 0) return [["todo", Math.max(0, width)]];
  const ideal = n.map((c) => (c / total) * width);
  const cells = ideal.map((x, i) => (n[i]! > 0 ? Math.max(1, Math.floor(x)) : 0));
  let sum = cells.reduce((a, b) => a + b, 0);
  // Too many (the one-cell minimums): take from the widest parts. Too few: give to the parts
  // the rounding shorted most.
  while (sum > width) {
    const i = cells.indexOf(Math.max(...cells));
    if (cells[i]! <= 1) break;
    cells[i]!--;
    sum--;
  }
  while (sum < width) {
    let best = -1;
    for (let i = 0; i < cells.length; i++) {
      if (n[i]! > 0 && (best < 0 || ideal[i]! - cells[i]! > ideal[best]! - cells[best]!)) best = i;
    }
    cells[best]!++;
    sum++;
  }
  return BAR_ORDER.map((p, i): [BarPart, number] => [p, cells[i]!]).filter(([, c]) => c > 0);
}

/** The bar as plain text: `████████✖✖––––––––––`. */
export function bar(counts: Partial<Record<BarPart, number>>, width: number): string {
  return barParts(counts, width).map(([p, c]) => BAR_CHARS[p].repeat(c)).join("");
}

/**
 * `text` on lines of at most `width` cells, broken at spaces only: a word longer than a line
 * (an id, a URL, a path) stands whole on a line of its own, so that it can be copied and pasted.
 */
export function wrapWords(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((x) => x !== "").join(" ");
  if (words === "") return [];
  return wrapAnsi(words, Math.max(1, width), { hard: false, trim: true }).split("\n");
}
