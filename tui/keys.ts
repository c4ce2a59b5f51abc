/** The dashboard's keys, as a pure function of the key pressed and what is on screen. */
import type { Key } from "ink";
import type { Overlay } from "./dashboard_props.ts";

/** What a key press does, given the overlay shown. */
export type KeyAction =
  | { type: "overlay"; overlay: Overlay }
  | { type: "quit" }
  | { type: "detach" }
  | { type: "none" };

/**
 * The dashboard's keys as a pure function: `q`/Ctrl-C ask to quit, `y` confirms, `n`/Esc go back,
 * `d` detaches, `?` toggles help. Once quitting, only help works: the run is already stopping.
 */
export function keyAction(
  overlay: Overlay,
  input: string,
  key: Pick<Key, "ctrl" | "escape">,
  quitting = false,
): KeyAction {
  const ctrlC = key.ctrl && input === "c";
  if (overlay === "confirm-quit") {
    if (input === "y" || input === "Y" || ctrlC) return { type: "quit" };
    if (input === "n" || input === "N" || key.escape) return { type: "overlay", overlay: null };
    return { type: "none" };
  }
  if (input === "?") return { type: "overlay", overlay: overlay === "help" ? null : "help" };
  if (overlay === "help" && key.escape) return { type: "overlay", overlay: null };
  if (quitting) return { type: "none" };
  if (input === "q" || ctrlC) return { type: "overlay", overlay: "confirm-quit" };
  if (input === "d") return { type: "detach" };
  return { type: "none" };
}
