/**
 * The step list in the lines it is given: folded into count lines until it fits, and, when even
 * that is too long, cut to the rows that matter most with one line counting the rest.
 */
import type { StepKind } from "../lib/kit/run/plan.ts";
import type { StepView } from "../lib/kit/run/run_state.ts";
import { plural } from "./_format.ts";
import type { Line } from "./_line.ts";
import { ACTIVE, PROBLEM } from "./_marks.ts";
import { isProblem, type RunPhase } from "./_run_phase.ts";
import { categoryOf, categoryWord, FOLD_ORDER, type FoldCategory } from "./_fold_category.ts";
import { bodyHeight, countPhases, type Phase, phaseLines, type Shown } from "./_phases.ts";

/**
 * The step list in at most `budget` lines: categories fold into count lines (succeeded first,
 * then stopped, skipped and waiting) in every phase holding two or more of them, until it fits.
 * A failed, timed-out or stopped-by-someone-else row never folds. Only counts are kept for folded
 * steps; rows are built for the steps that show.
 */
export function body(steps: readonly StepView[], budget: number | null, run: RunPhase): Line[] {
  const phases = countPhases(steps, run);
  const all: Shown = () => true;
  if (budget === null) return phaseLines(phases, steps, all, run);
  for (const category of FOLD_ORDER) {
    if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all, run);
    for (const p of phases) if (p.counts[category] >= 2) p.folded.add(category);
  }
  if (bodyHeight(phases) <= budget) return phaseLines(phases, steps, all, run);
  return cutBody(phases, steps, budget, run);
}

/**
 * Even folded the steps do not fit: one line counts what is left out, and the other lines go, in
 * this order, to the problem rows, the count lines, the running jobs, then the other rows (a
 * phase's heading comes with its first line). A problem row is left out only when the problem
 * rows alone outnumber the lines; every one is printed whole once the run ended.
 */
function cutBody(
  phases: Phase[],
  steps: readonly StepView[],
  budget: number,
  run: RunPhase,
): Line[] {
  const byKind = new Map(phases.map((p) => [p.kind, p]));
  const isRow = (s: StepView) => {
    const category = categoryOf(s.state, run);
    return category === null || !byKind.get(s.kind)!.folded.has(category);
  };
  type Item = { kind: StepKind; step: StepView } | { kind: StepKind; count: FoldCategory };
  const rows = steps.filter(isRow);
  const ranked = (r: number) =>
    rows.filter((s) => rank(s, run) === r).map((step) => ({ kind: step.kind, step }));
  const counts: Item[] = FOLD_ORDER.flatMap((count) =>
    phases.filter((p) => p.folded.has(count)).map((p) => ({ kind: p.kind, count }))
  );
  const items: Item[] = [...ranked(0), ...counts, ...ranked(1), ...ranked(2)];
  const headed = new Set<StepKind>();
  const keptRows = new Set<StepView>();
  const keptCounts = new Map<StepKind, Set<FoldCategory>>(phases.map((p) => [p.kind, new Set()]));
  let height = 1; // the line counting what is left out
  for (const item of items) {
    const more = headed.has(item.kind) ? 1 : 2;
    if (height + more > budget) continue;
    height += more;
    headed.add(item.kind);
    if ("step" in item) keptRows.add(item.step);
    else keptCounts.get(item.kind)!.add(item.count);
  }
  if (headed.size === 0) return [summaryOfSteps(steps, run)];
  // Count lines left out: their steps are counted on the last line with the rows left out.
  for (const p of phases) p.folded = keptCounts.get(p.kind)!;
  const hidden = steps.filter((s) => isRow(s) && !keptRows.has(s));
  const shownPhases = phases.filter((p) => headed.has(p.kind));
  const lines = phaseLines(shownPhases, steps, (s) => keptRows.has(s), run);
  return hidden.length > 0 ? [...lines, moreLine(hidden, run)] : lines;
}

/** Lower ranks stay visible longest: problems (never cut while they fit), running jobs, the rest. */
function rank(step: StepView, run: RunPhase): number {
  if (isProblem(step, run)) return 0;
  if (PROBLEM.has(step.state)) return 1;
  if (ACTIVE.has(step.state)) return 1;
  return 2;
}

/** How many steps are in each state, in words: running, succeeded, waiting, failed… */
function countWords(steps: readonly StepView[], run: RunPhase): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of steps) {
    const category = categoryOf(s.state, run);
    const word = ACTIVE.has(s.state)
      ? "running"
      : category !== null
      ? categoryWord(category, run)
      : s.state.replace("_", " ");
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** `… and 3 more running`, or `… and 5 more (2 running, 3 waiting)`. */
function moreLine(hidden: readonly StepView[], run: RunPhase): Line {
  const counts = countWords(hidden, run);
  const only = counts.size === 1 ? [...counts.keys()][0] : undefined;
  const text = only !== undefined
    ? `… and ${hidden.length} more ${only}`
    : `… and ${hidden.length} more (${[...counts].map(([w, n]) => `${n} ${w}`).join(", ")})`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}

/** `202 steps: 194 succeeded, 2 running, 1 failed, 5 waiting`, for the smallest terminals. */
function summaryOfSteps(steps: readonly StepView[], run: RunPhase): Line {
  const counts = countWords(steps, run);
  const text = `${plural(steps.length, "step", "steps")}: ${
    [...counts].map(([w, n]) => `${n} ${w}`).join(", ")
  }`;
  return { kind: "text", parts: [{ text, tone: "dim" }] };
}
