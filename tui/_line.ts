/**
 * The frame as data: the layout builds lines, and the view renders them. A text line is parts,
 * each in one tone; a step's line becomes its row.
 */
import type { StepView } from "../lib/kit/run/run_state.ts";

/** A part's style, or its colour; none at all without colour (see _style.tsx). */
export type Tone = "dim" | "green" | "red" | "yellow" | "cyan" | "bold";

/** Some text, in one tone or in the terminal's own. */
export interface Part {
  text: string;
  tone?: Tone;
}

/** One line of the frame. */
export type Line =
  | { kind: "text"; parts: Part[] }
  | { kind: "step"; step: StepView }
  | { kind: "blank" };
