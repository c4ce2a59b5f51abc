/** A step's row on the frame. */
import { Box, Text } from "ink";
import { type JSX, memo } from "react";
import cliTruncate from "cli-truncate";
import stringWidth from "string-width";
import type { StepState } from "../lib/kit/run/events.ts";
import { fit } from "./_format.ts";
import type { Part } from "./_line.ts";
import { INACTIVE, MARKS } from "./_marks.ts";
import { Spinner } from "./_spinner.tsx";
import { renderParts, styleOf } from "./_style.tsx";

export interface StepRowProps {
  state: StepState;
  target: string;
  jobId: string | null;
  stateText: string;
  elapsed: string;
  /** Running past the 90th percentile of its earlier durations. */
  slow: boolean;
  retries: number;
  /** Tamr's reason, shown for a problem. */
  reason: string | null;
  attached: boolean;
  targetWidth: number;
  jobWidth: number;
  stateWidth: number;
  elapsedWidth: number;
  detailWidth: number;
  color: boolean;
}

const SLOW = "slower than usual";
/** A step that succeeded after its job took longer than usual on Tamr. */
const TOOK_LONGER = "took longer than usual";

/** One step: its mark, target, job id, state and elapsed time in columns, then what fits of its details. */
export const StepRow = memo(function StepRow(p: StepRowProps): JSX.Element {
  const mark = MARKS[p.state];
  const cells = [
    fit(p.target, p.targetWidth),
    ...(p.jobWidth > 0 ? [fit(p.jobId ?? "", p.jobWidth)] : []),
    fit(p.stateText, p.stateWidth),
    fit(p.elapsed, p.elapsedWidth, "right"),
  ].join("  ");
  const parts: Part[] = [];
  if (p.slow) {
    // In full where it fits beside the columns, else one word.
    const text = p.state === "succeeded" ? TOOK_LONGER : SLOW;
    const full = p.detailWidth >= 2 + text.length;
    parts.push({ text: full ? text : "slow", tone: "yellow" });
  }
  if (p.retries > 0) parts.push({ text: `↻${p.retries}`, tone: "yellow" });
  if (p.reason !== null) parts.push({ text: p.reason, tone: "red" });
  if (p.attached) parts.push({ text: "attached", tone: "dim" });
  let room = p.detailWidth;
  const details: Part[] = [];
  for (const part of parts) {
    const sep = details.length === 0 ? "  " : " ";
    if (room <= sep.length + 1) break;
    const text = cliTruncate(part.text, room - sep.length);
    details.push({ ...part, text: sep + text });
    room -= sep.length + stringWidth(text);
  }
  const dim = INACTIVE.has(p.state) ? styleOf("dim", p.color) : {};
  return (
    <Box>
      <Box width={2} flexShrink={0} />
      {mark === null
        ? <Spinner color={p.color} />
        : <Text {...styleOf(mark.tone, p.color)}>{mark.text}</Text>}
      <Text wrap="truncate-end">
        <Text {...dim}>{details.length > 0 ? ` ${cells}` : ` ${cells}`.trimEnd()}</Text>
        {renderParts(details, p.color)}
      </Text>
    </Box>
  );
});
