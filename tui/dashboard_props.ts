/** What the dashboard is drawn from: the run's state, the time, the terminal, the user's keys. */
import type { RunState } from "../lib/kit/run/run_state.ts";

/** What is shown over the steps or the keys: the help, the quit question, or nothing. */
export type Overlay = "help" | "confirm-quit" | null;

export interface DashboardProps {
  state: RunState;
  /** The time the frame shows, in milliseconds since the epoch (elapsed times count to it). */
  now: number;
  /**
   * Terminal height: when given, the frame takes at most `rows - 1` lines, finished rows folding
   * into counts (never a failed one). One line short of the terminal, so that Ink never draws a
   * frame as tall as the screen: such a frame is redrawn from the top on unmount (printed twice)
   * and its last line has no newline.
   */
  rows?: number | undefined;
  /** Terminal width; every line is kept within it. Default 80. */
  columns?: number | undefined;
  overlay?: Overlay | undefined;
  /** The user confirmed quitting: the run is stopping its jobs. */
  quitting?: boolean | undefined;
  /** The user detached: the last frame stays, without the keys, which no longer work. */
  detached?: boolean | undefined;
  /** False: no colour and no other text style (`NO_COLOR`). Default true. */
  color?: boolean | undefined;
  /**
   * True when detaching ends the run rather than leaving its jobs running (the demo, whose
   * tenant stops with the process): the keys and the help say so.
   */
  detachEndsRun?: boolean | undefined;
}
