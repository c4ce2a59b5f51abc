/**
 * The live dashboard, a pure function of the run's view state, the time and the terminal size.
 * Its parts: the layout (_layout.ts) builds the frame's lines, from the header and bar
 * (_header.ts), the steps folded to fit (_body.ts, _phases.ts), the notice and the footer; the
 * rows (_step_row.tsx) share the widths of _row_widths.ts; _style.tsx switches colour off.
 */
import { Box, Text } from "ink";
import type { JSX } from "react";
import type { Line } from "./_line.ts";
import { MARKS, PROBLEM } from "./_marks.ts";
import { type RunPhase, runPhaseOf } from "./_run_phase.ts";
import { layout } from "./_layout.ts";
import { elapsedText, type RowWidths, rowWidths, stateText } from "./_row_widths.ts";
import { SpinnerClock } from "./_spinner.tsx";
import { StepRow } from "./_step_row.tsx";
import { renderParts } from "./_style.tsx";
import type { DashboardProps } from "./dashboard_props.ts";
import { isSlowerThanUsual } from "../lib/kit/run/slower_than_usual.ts";

export type { DashboardProps, Overlay } from "./dashboard_props.ts";
export { SPINNER } from "./_spinner.tsx";
export { runningJobs } from "./_footer.ts";
export { closingText } from "./closing_text.ts";

/**
 * The live dashboard: a pure function of the view state, the time and the terminal size. Only the
 * lines that fit are built: with 1,000 sources a frame holds a few dozen rows, not 1,000.
 */
export function Dashboard(props: DashboardProps): JSX.Element {
  const columns = Math.max(20, props.columns ?? 80);
  const color = props.color ?? true;
  const run = runPhaseOf(props.state, props.quitting ?? false);
  const lines = layout({ ...props, columns }, run);
  const widths = rowWidths(props.state.steps, props.now, columns, run);
  const spinning = lines.some((l) => l.kind === "step" && MARKS[l.step.state] === null);
  return (
    <SpinnerClock active={spinning}>
      {
        /* At most `columns` wide, and never wider than the terminal: on a resize Ink draws the
          frame once more before React renders it for the new size, and lines wider than the
          terminal would wrap into rows that Ink does not erase. */
      }
      <Box flexDirection="column" width="100%" maxWidth={columns}>
        {lines.map((line, i) => renderLine(line, i, widths, props.now, run, color))}
      </Box>
    </SpinnerClock>
  );
}

function renderLine(
  line: Line,
  key: number,
  w: RowWidths,
  now: number,
  run: RunPhase,
  color: boolean,
): JSX.Element {
  if (line.kind === "blank") return <Box key={key} height={1} />;
  if (line.kind === "text") {
    return <Text key={key} wrap="truncate-end">{renderParts(line.parts, color)}</Text>;
  }
  const s = line.step;
  // Plain values only, so that a row whose text has not changed is not rendered again, whether
  // the step is a new object or the same one updated in place.
  return (
    <StepRow
      key={s.id}
      state={s.state}
      target={s.target}
      jobId={s.jobId}
      stateText={stateText(s, run)}
      elapsed={elapsedText(s, now, w.expected)}
      slow={!run.ended && isSlowerThanUsual(s, now)}
      retries={s.retries}
      reason={s.error && PROBLEM.has(s.state) ? s.error.reason : null}
      attached={s.attached}
      targetWidth={w.target}
      jobWidth={w.job}
      stateWidth={w.state}
      elapsedWidth={w.elapsed}
      detailWidth={w.detail}
      color={color}
    />
  );
}
