/**
 * Spinners: one clock turns them all, so the running rows animate together and each turn costs
 * one redraw (a spinner per row, each on its own timer, redrew the frame up to 30 times a second).
 */
import { Text } from "ink";
import { createContext, type JSX, type ReactNode, useContext, useEffect, useState } from "react";

/**
 * cli-spinners' "dots" in blue, turning about 6 times a second instead of 12.5: each turn redraws
 * the whole frame, and while a run only waits the turns are most of its CPU time.
 */
export const SPINNER = {
  frames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
  intervalMs: 160,
};
const SpinnerFrame = createContext(0);

/** Turns every Spinner below it while `active`. */
export function SpinnerClock(props: { active: boolean; children: ReactNode }): JSX.Element {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!props.active) return;
    const timer = setInterval(
      () => setFrame((f) => (f + 1) % SPINNER.frames.length),
      SPINNER.intervalMs,
    );
    return () => clearInterval(timer);
  }, [props.active]);
  return <SpinnerFrame.Provider value={frame}>{props.children}</SpinnerFrame.Provider>;
}

/** The spinner's current frame, in blue unless colour is off. */
export function Spinner(props: { color: boolean }): JSX.Element {
  const frame = SPINNER.frames[useContext(SpinnerFrame)];
  return props.color ? <Text color="blue">{frame}</Text> : <Text>{frame}</Text>;
}
