/** The frame's layout: which lines it has, so that it fits the terminal's rows. */
import type { StepKind } from "../lib/kit/run/plan.ts";
import type { StepView } from "../lib/kit/run/run_state.ts";
import type { Line } from "./_line.ts";
import { isProblem, type RunPhase } from "./_run_phase.ts";
import { bodyHeight, countPhases, foldAll } from "./_phases.ts";
import { body } from "./_body.ts";
import { header } from "./_header.ts";
import { notice } from "./_notice.ts";
import { footer } from "./_footer.ts";
import { help } from "./_help.ts";
import type { DashboardProps } from "./dashboard_props.ts";

/**
 * Lines the problem rows need to show, each under its phase's heading, with one line counting
 * the rest: the least the body is given before anything else of the frame.
 */
function problemHeight(steps: readonly StepView[], run: RunPhase): number {
  let rows = 0;
  const kinds = new Set<StepKind>();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (!isProblem(s, run)) continue;
    rows++;
    kinds.add(s.kind);
  }
  return rows + kinds.size + (rows < steps.length ? 1 : 0);
}

/** Gaps (blank lines around the steps) and notice lines, from the roomiest frame to the tightest. */
function squeezes(rows: number | null): { gaps: number; notice: number }[] {
  const notice = rows === null || rows >= 20 ? 3 : 1;
  return [{ gaps: 2, notice }, { gaps: 0, notice }, { gaps: 0, notice: 1 }, { gaps: 0, notice: 0 }];
}

/**
 * The lines of the frame: the header, the steps (or the help), the notice and the footer, in at
 * most `rows - 1` lines when `rows` is given.
 */
export function layout(props: DashboardProps & { columns: number }, run: RunPhase): Line[] {
  const { state, now, columns } = props;
  const overlay = props.overlay ?? null;
  const top = header(state, now, columns, run);
  const rows = props.rows ?? null;
  const bottom = footer(
    state,
    overlay,
    props.quitting ?? false,
    props.detached ?? false,
    columns,
    props.detachEndsRun ?? false,
  );
  const helpLines = overlay === "help" && state.finishedAt === null
    ? help(props.detachEndsRun ?? false)
    : null;
  // The frame keeps one line short of the terminal (see DashboardProps.rows). Blank lines go
  // first, then notice lines: before the steps are cut, and before a problem row is left out.
  const maxLines = rows === null ? null : Math.max(1, rows - 1);
  const options = squeezes(rows);
  let chosen = options[0]!;
  let budget: number | null = null;
  if (maxLines !== null) {
    const roomOf = (o: { gaps: number; notice: number }) =>
      maxLines - top.length - bottom.length - notice(state, columns, o.notice, run).length - o.gaps;
    let need = 0;
    if (helpLines === null) {
      const phases = countPhases(state.steps, run);
      foldAll(phases);
      need = bodyHeight(phases);
    }
    const problems = helpLines === null ? problemHeight(state.steps, run) : 0;
    chosen = options.find((o) => roomOf(o) >= need) ??
      options.find((o) => o.gaps === 0 && roomOf(o) >= Math.max(3, problems)) ??
      options.at(-1)!;
    budget = Math.max(1, roomOf(chosen));
  }
  const blank: Line[] = chosen.gaps > 0 ? [{ kind: "blank" }] : [];
  const middle: Line[] = helpLines !== null
    ? helpLines.slice(0, budget ?? helpLines.length).map((parts) => ({ kind: "text", parts }))
    : body(state.steps, budget, run);
  return [
    ...top,
    ...blank,
    ...middle,
    ...blank,
    ...notice(state, columns, chosen.notice, run),
    ...bottom,
  ];
}
