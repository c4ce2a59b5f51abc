/** What a key's action does to the dashboard app and to the run: the overlay, the hold, quit, detach. */
import type { KeyAction } from "./keys.ts";
import type { Overlay } from "./dashboard_props.ts";

/** The app's state and the run's controls that a key's action changes. */
export interface KeyTarget {
  /** The overlay shown when the key was pressed. */
  overlay: Overlay;
  setOverlay(overlay: Overlay): void;
  /** True once the user confirmed quitting: set at once, so a second `y` does not quit twice. */
  quit: { current: boolean };
  setQuitting(quitting: boolean): void;
  detached: boolean;
  setDetached(detached: boolean): void;
  /** The run's hold (see DashboardOptions.hold). */
  hold: { hold(): void; release(): void } | undefined;
  onQuit: () => void;
  onDetach: () => void;
}

/** Carries out `action` (see keyAction) on the app's state and the run. */
export function applyKey(action: KeyAction, target: KeyTarget): void {
  const { overlay, setOverlay, quit, setQuitting, detached, setDetached, hold, onQuit, onDetach } =
    target;
  switch (action.type) {
    case "overlay":
      // No new step starts while the quit question is on screen; "n" or Esc lets them start.
      if (action.overlay === "confirm-quit") hold?.hold();
      else if (overlay === "confirm-quit") hold?.release();
      setOverlay(action.overlay);
      return;
    case "quit":
      // The hold stays: the run is aborted, and nothing new starts while it stops its jobs.
      setOverlay(null);
      if (!quit.current) {
        quit.current = true;
        setQuitting(true);
        onQuit();
      }
      return;
    case "detach":
      if (!detached) {
        // Later steps start only with --resume: none starts before the process ends.
        hold?.hold();
        onDetach();
        setDetached(true);
      }
      return;
    case "none":
      return;
  }
}
