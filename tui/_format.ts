/** Small text helpers for the dashboard. Widths count code points: ids and messages are plain text. */

/** The number of terminal cells `text` takes, counting one per code point. */
export function cellWidth(text: string): number {
  return [...text].length;
}

/** Cuts `text` to `width` cells, ending with `…` when it was cut. */
export function truncateEnd(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return chars.slice(0, width - 1).join("") + "…";
}

/** Cuts `text` to `width` cells keeping both ends (ids differ at either end): `source-0…-0042`. */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return width === 1 ? "…" : "";
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return chars.slice(0, head).join("") + "…" + (tail > 0 ? chars.slice(-tail).join("") : "");
}

/** Pads or cuts `text` to exactly `width` cells. */
export function fit(text: string, width: number, align: "left" | "right" = "left"): string {
  const cut = truncateMiddle(text, width);
  const pad = " ".repeat(Math.max(0, width - cellWidth(cut)));
  return align === "left" ? cut + pad : pad + cut;
}

/**
 * Wraps `text` into lines of at most `width` cells, breaking at spaces and splitting words longer
 * than a line. At most `maxLines` lines; the last one ends with `…` when text was left out.
 */
export function wrapText(text: string, width: number, maxLines = Infinity): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((x) => x !== "")) {
    let rest = word;
    while (rest !== "") {
      const sep = current === "" ? "" : " ";
      if (cellWidth(current) + sep.length + cellWidth(rest) <= w) {
        current += sep + rest;
        rest = "";
      } else if (current !== "" && cellWidth(rest) <= w) {
        lines.push(current);
        current = "";
      } else {
        // A word longer than a line: fill this line with its start, go on with the rest.
        const room = w - cellWidth(current) - sep.length;
        if (room <= 0) {
          lines.push(current);
          current = "";
          continue;
        }
        const chars = [...rest];
        lines.push(current + sep + chars.slice(0, room).join(""));
        current = "";
        rest = chars.slice(room).join("");
      }
    }
  }
  if (current !== "") lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(0, maxLines));
  const last = kept.length - 1;
  if (last >= 0) kept[last] = truncateEnd(kept[last]! + " …", w);
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
