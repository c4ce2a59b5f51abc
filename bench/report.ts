/** Formatting the benchmark's results: tables and the last line. Pure, so it can be tested. */

/** `33m00s`, `1h09m25s`, `4.2s`: simulated or real milliseconds for people. */
export function clock(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(s % 60).padStart(2, "0")}s`;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m${rest}` : `${m}m${rest}`;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function max(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.max(...xs);
}

/** A plain-text table: a header row, a rule, the rows; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) =>
    rows.length > 0 &&
    rows.every((r) => /^[-+]?[\d.,]+\s*(%|x|×|s|ms|MB|KB)?$|^-$/.test(r[i] ?? ""))
  );
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)).join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The numbers of the benchmark's last line. */
export interface Headline {
  /** Run 1 (learned from the tenant) over the bound of its own jobs at the default concurrency. */
  firstOverBound: number;
  /** Run 2 (the history of run 1) over its own bound. */
  secondOverBound: number;
  /** The walkthrough over its own bound. */
  walkthroughOverBound: number;
  /** Ours: requests per job. */
  requestsPerJob: number;
  /** Ours: the mean lag per job as a share of that job, in %. */
  lagPct: number;
}

/**
 * `bench: first/bound=X.XX second/bound=Y.YY walkthrough/bound=Z.ZZ requests/job=R lag_pct=L`
 */
export function finalLine(h: Headline): string {
  return `bench: first/bound=${h.firstOverBound.toFixed(2)} second/bound=${
    h.secondOverBound.toFixed(2)
  } walkthrough/bound=${h.walkthroughOverBound.toFixed(2)} requests/job=${
    h.requestsPerJob.toFixed(2)
  } lag_pct=${h.lagPct.toFixed(2)}`;
}

/**
 * A target's verdict: `✓` with the value, or `✗` with by how much it is missed. The target is
 * `value < limit`, or `value <= limit` with `orEqual`.
 */
export function verdict(
  what: string,
  value: number,
  limit: number,
  unit: string,
  options: { digits?: number; orEqual?: boolean } = {},
): string {
  const digits = options.digits ?? 1;
  const show = (x: number) => `${x.toFixed(digits)}${unit}`;
  const target = `${options.orEqual ? "at most" : "under"} ${show(limit)}`;
  if (!Number.isFinite(value)) return `? ${what}: not measured (target: ${target})`;
  const ok = options.orEqual ? value <= limit : value < limit;
  if (ok) return `✓ ${what}: ${show(value)} (target: ${target})`;
  const over = ((value / limit - 1) * 100).toFixed(0);
  return `✗ ${what}: ${show(value)} (target: ${target}; missed by ${
    show(value - limit)
  }, ${over}%)`;
}
