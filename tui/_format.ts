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

/** A bar of `width` cells filled in proportion to done/total: `███████░░░`. */
export function bar(done: number, total: number, width: number): string {
  const filled = total <= 0 ? 0 : Math.min(width, Math.round((done / total) * width));
  return "█".repeat(filled) + "░".repeat(width - filled);
}
