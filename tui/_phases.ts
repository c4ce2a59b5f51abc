/**
 * The phases of the plan on the frame: counted by fold category, folded, and turned into lines (a
 * heading, the count lines of folded steps, the rows of the others).
 */
import { PHASES, type StepKind } from "../lib/kit/run/plan.ts";
import type { StepView } from "../lib/kit/run/run_state.ts";
import { plural } from "./_format.ts";
import type { Line, Part } from "./_line.ts";
import type { RunPhase } from "./_run_phase.ts";
import { categoryOf, categoryWord, FOLD_ORDER, type FoldCategory } from "./_fold_category.ts";

const HEADINGS: Record<StepKind, string> = {
  load: "Sources",
  update: "Data product",
  index: "Search index",
  publish: "Publish",
};

const NOUNS: Record<StepKind, [string, string]> = {
  load: ["source", "sources"],
  update: ["data product", "data products"],
  index: ["search index", "search indexes"],
  publish: ["destination", "destinations"],
};

const FOLD_MARK: Record<FoldCategory, Part> = {
  succeeded: { text: "✔", tone: "green" },
  stopped: { text: "■", tone: "yellow" },
  skipped: { text: "–", tone: "dim" },
  waiting: { text: "○", tone: "dim" },
};

/**
 * One phase of the plan, counted: how many steps of each category it has, and which categories
 * show as one count line instead of a row per step.
 */
export interface Phase {
  kind: StepKind;
  steps: number;
  counts: Record<FoldCategory, number>;
  folded: Set<FoldCategory>;
}

/** The phases that have steps, in plan order, counted in one pass and nothing folded yet. */
export function countPhases(steps: readonly StepView[], run: RunPhase): Phase[] {
  const phases = new Map<StepKind, Phase>(PHASES.map((kind) => [kind, {
    kind,
    steps: 0,
    counts: { succeeded: 0, stopped: 0, skipped: 0, waiting: 0 },
    folded: new Set(),
  }]));
  // Indexed loops over the steps here and below: they run for every step on every frame.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const phase = phases.get(s.kind)!;
    phase.steps++;
    const category = categoryOf(s.state, run);
    if (category !== null) phase.counts[category]++;
  }
  return [...phases.values()].filter((p) => p.steps > 0);
}

/** Rows of steps a phase shows: those of the categories it does not fold. */
function stepRows(p: Phase): number {
  let n = p.steps;
  for (const c of p.folded) n -= p.counts[c];
  return n;
}

/** Lines the phases take: a heading each, then its rows and its count lines. */
export function bodyHeight(phases: Phase[]): number {
  return phases.reduce((n, p) => n + 1 + stepRows(p) + p.folded.size, 0);
}

/** Folds every category a phase holds two or more of: the least room the phases can take. */
export function foldAll(phases: Phase[]): void {
  for (const category of FOLD_ORDER) {
    for (const p of phases) if (p.counts[category] >= 2) p.folded.add(category);
  }
}

/** True when `step` has a row of its own: its category is not folded and, after a cut, it is kept. */
export type Shown = (step: StepView) => boolean;

/**
 * The lines of the phases. In each: the count of succeeded steps first (finished work reads
 * first), the rows in plan order, then the counts of stopped, skipped and waiting steps.
 */
export function phaseLines(
  phases: Phase[],
  steps: readonly StepView[],
  shown: Shown,
  run: RunPhase,
): Line[] {
  const rows = new Map<StepKind, Line[]>(phases.map((p) => [p.kind, []]));
  const byKind = new Map(phases.map((p) => [p.kind, p]));
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const p = byKind.get(s.kind);
    if (p === undefined) continue;
    const category = categoryOf(s.state, run);
    if ((category === null || !p.folded.has(category)) && shown(s)) {
      rows.get(s.kind)!.push({ kind: "step", step: s });
    }
  }
  const counts = (p: Phase, categories: FoldCategory[]) =>
    categories.filter((c) => p.folded.has(c)).map((c) => foldLine(p, c, run));
  return phases.flatMap((p) => [
    { kind: "text", parts: [{ text: HEADINGS[p.kind], tone: "bold" }] },
    ...counts(p, ["succeeded"]),
    ...rows.get(p.kind)!,
    ...counts(p, ["stopped", "skipped", "waiting"]),
  ]);
}

/** `  ✔ 600 sources succeeded`. */
function foldLine(p: Phase, category: FoldCategory, run: RunPhase): Line {
  const [one, many] = NOUNS[p.kind];
  return {
    kind: "text",
    parts: [
      { text: "  " },
      FOLD_MARK[category],
      {
        text: ` ${plural(p.counts[category], one, many)} ${categoryWord(category, run)}`,
        tone: "dim",
      },
    ],
  };
}
