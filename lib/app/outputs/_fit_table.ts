/**
 * A table of text fitted to a width: columns two spaces apart, indented by two. What does not fit
 * is shortened column by column (a cell cut with `…`, a sparkline to its newest points), then
 * whole columns are left out, so that no line is wider than the width and a terminal never wraps
 * one in the middle of a word.
 */

/** One column: its header and cells, and how it may give way when the table is too wide. */
export interface Column {
  header: string;
  cells: string[];
  right?: boolean;
  /** The narrowest it may be cut to (never below its header's width); its natural width when absent. */
  min?: number;
  /** `end` (default): cut the end, with `…`; `start`: keep the end (a sparkline's newest points). */
  cut?: "end" | "start";
  /** Left out before the columns with a higher rank, or never when absent. */
  dropRank?: number;
}

/** Cuts `text` to `width` characters, ending with `…` when it was longer. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function cutCell(text: string, width: number, how: Column["cut"]): string {
  if (text.length <= width) return text;
  return how === "start" ? text.slice(text.length - width) : fit(text, width);
}

/** The widths of `columns` within `width`, each cut at most to its min; null when they cannot fit. */
function widthsWithin(columns: readonly Column[], width: number): number[] | null {
  const widths = columns.map((c) => Math.max(c.header.length, ...c.cells.map((s) => s.length)));
  let over = 2 + widths.reduce((a, w) => a + w, 0) + 2 * (columns.length - 1) - width;
  columns.forEach((c, i) => {
    if (over <= 0 || c.min === undefined) return;
    const floor = Math.max(c.min, c.header.length);
    const give = Math.min(over, Math.max(0, widths[i]! - floor));
    widths[i]! -= give;
    over -= give;
  });
  return over <= 0 ? widths : null;
}

/**
 * The lines of the table within `width`: columns are cut in their order (each to its `min`), then
 * the lowest `dropRank` is left out and the rest tried again. Returns the lines, and the headers
 * and widths of the columns shown.
 */
export function fitTable(columns: readonly Column[], width: number): {
  lines: string[];
  shown: string[];
  widths: number[];
} {
  let kept = [...columns];
  let widths = widthsWithin(kept, width);
  while (widths === null) {
    const ranks = kept.flatMap((c) => (c.dropRank === undefined ? [] : [c.dropRank]));
    if (ranks.length === 0) break;
    const lowest = Math.min(...ranks);
    kept = kept.filter((c) => c.dropRank !== lowest);
    widths = widthsWithin(kept, width);
  }
  const final = widths ??
    kept.map((c) => Math.max(c.header.length, ...c.cells.map((s) => s.length)));
  const rows = [
    kept.map((c) => c.header),
    ...kept[0]!.cells.map((_, r) => kept.map((c) => c.cells[r]!)),
  ];
  const lines = rows.map((row) =>
    fit(
      "  " + row.map((cell, i) => {
        const text = cutCell(cell, final[i]!, kept[i]!.cut);
        return kept[i]!.right ? text.padStart(final[i]!) : text.padEnd(final[i]!);
      }).join("  ").trimEnd(),
      width,
    )
  );
  return { lines, shown: kept.map((c) => c.header), widths: final };
}
