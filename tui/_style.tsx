/** The colour switch: each tone's style, and none at all without colour (`NO_COLOR`). */
import { Text } from "ink";
import type { JSX } from "react";
import type { Part, Tone } from "./_line.ts";

const TONES: Record<Tone, { color?: string; dimColor?: boolean; bold?: boolean }> = {
  dim: { dimColor: true },
  green: { color: "green" },
  red: { color: "red" },
  yellow: { color: "yellow" },
  cyan: { color: "cyan" },
  bold: { bold: true },
};

/** The style of a tone; none at all without colour (`NO_COLOR`: no escape codes). */
export function styleOf(tone: Tone | undefined, color: boolean): (typeof TONES)[Tone] {
  return tone && color ? TONES[tone] : {};
}

/** Each part in its tone's style. */
export function renderParts(parts: Part[], color: boolean): JSX.Element[] {
  return parts.map((p, i) => (
    <Text key={i} {...styleOf(p.tone, color)}>
      {p.text}
    </Text>
  ));
}
