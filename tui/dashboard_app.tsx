// First, so that React's production build is the one loaded below. This file has no JSX: JSX
// would add an import of react/jsx-runtime above this one, loading React before it.
import "./_react_production.ts";
import process from "node:process";
import { render, useApp, useInput, useStdin, useWindowSize } from "ink";
import { createElement, useEffect, useRef, useState } from "react";
import type { JSX } from "react";
import type { RunStore } from "../lib/kit/run/run_state.ts";
import type { RunHold } from "../lib/kit/run/hold.ts";
import { closingText, Dashboard, type Overlay, SPINNER } from "./dashboard.tsx";
import { keyAction } from "./keys.ts";
import { applyKey } from "./_apply_key.ts";
import { frameThrottle } from "./frame_throttle.ts";

export { type KeyAction, keyAction } from "./keys.ts";
export { frameThrottle } from "./frame_throttle.ts";

/**
 * The longest a new event waits before it is drawn, and the least time between two frames: one
 * turn of the spinners (about six frames a second). Ink redraws every cell of the frame each
 * time, so events, spinners and the clock share these frames rather than each drawing its own.
 */
export const RENDER_THROTTLE_MS = SPINNER.intervalMs;
/** How often elapsed times move on while nothing else happens. */
export const TICK_MS = 1000;

export interface DashboardResult {
  /** The user pressed `d`: the dashboard closed, the run was left to go on. */
  detached: boolean;
  /** The user confirmed quitting and the run then finished. */
  quit: boolean;
}

export interface DashboardOptions {
  /** The run's state: the dashboard reads it and redraws when it changes. */
  store: Pick<RunStore, "state" | "subscribe">;
  stdout?: NodeJS.WriteStream | undefined;
  stdin?: NodeJS.ReadStream | undefined;
  /** The user confirmed quitting: abort the run (which stops its jobs); the dashboard stays until `finish`. */
  onQuit: () => void;
  /** The user detached: the dashboard is closing, the jobs keep running. */
  onDetach: () => void;
  clock?: { now(): number } | undefined;
  /**
   * The run's hold: taken while the quit question is on screen (no new step starts while the user
   * decides), released on "n" or Esc; taken for good on detach (later steps wait for `--resume`).
   */
  hold?: Pick<RunHold, "held"> & { hold(): void; release(): void } | undefined;
  /** False: no colour or text style at all (`NO_COLOR`). Default true. */
  color?: boolean | undefined;
  /** Detaching ends the run (the demo's tenant stops with the process): the keys say so. */
  detachEndsRun?: boolean | undefined;
}

interface AppProps {
  store: DashboardOptions["store"];
  clock: { now(): number };
  onQuit: () => void;
  onDetach: () => void;
  hold: DashboardOptions["hold"];
  color: boolean;
  detachEndsRun: boolean;
}

function DashboardApp(
  { store, clock, onQuit, onDetach, hold, color, detachEndsRun }: AppProps,
): JSX.Element {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { rows, columns } = useWindowSize();
  const [view, setView] = useState(() => ({ version: store.state.version, now: clock.now() }));
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [quitting, setQuitting] = useState(false);
  const [detached, setDetached] = useState(false);
  const quitRef = useRef(false);
  const state = store.state;
  const finished = state.finishedAt !== null;

  // Events: drawn at most every RENDER_THROTTLE_MS; the finish event at once.
  useEffect(() => {
    const frames = frameThrottle(() => {
      const version = store.state.version;
      setView((v) => v.version === version ? v : { version, now: clock.now() });
    }, RENDER_THROTTLE_MS);
    const off = store.subscribe(() => {
      if (store.state.finishedAt !== null) frames.now();
      else frames.notify();
    });
    frames.now(); // events that came before this effect ran
    return () => {
      off();
      frames.dispose();
    };
  }, [store, clock]);

  // Elapsed times move on while the run goes on.
  useEffect(() => {
    if (finished) return;
    const tick = setInterval(() => setView((v) => ({ ...v, now: clock.now() })), TICK_MS);
    return () => clearInterval(tick);
  }, [finished, clock]);

  // The final frame (with its summary) has been drawn: leave it on screen and unmount.
  useEffect(() => {
    if (finished) exit({ detached: false, quit: quitRef.current } satisfies DashboardResult);
  }, [finished, exit]);

  // Detached: the last frame (without the keys) has been drawn; unmount, the run goes on.
  useEffect(() => {
    if (detached) exit({ detached: true, quit: false } satisfies DashboardResult);
  }, [detached, exit]);

  useInput((input, key) => {
    applyKey(keyAction(overlay, input, key, quitting), {
      overlay,
      setOverlay,
      quit: quitRef,
      setQuitting,
      detached,
      setDetached,
      hold,
      onQuit,
      onDetach,
    });
  }, { isActive: isRawModeSupported && !finished && !detached });

  return createElement(Dashboard, {
    state,
    now: view.now,
    rows,
    columns,
    overlay: finished ? null : overlay,
    quitting,
    detached,
    color,
    detachEndsRun,
  });
}

/**
 * Erases the screen and leaves the cursor at its top left: the second line down, then the first
 * line. Not "home, then erase down", which tmux (and other terminals) take for clearing the whole
 * screen and push into the scrollback first: each resize would leave a copy of the frame there.
 */
const ERASE_SCREEN = "\u001b[2;1H\u001b[J\u001b[H\u001b[2K";

/**
 * Shows the live dashboard until the run's `finish` event (the summary stays on screen) or until
 * the user detaches. Keys work only where stdin supports raw mode. Once the run ended and Ink let
 * go of the screen, what went wrong is printed whole below the last frame (see closingText).
 */
export async function runDashboard(options: DashboardOptions): Promise<DashboardResult> {
  const clock = options.clock ?? { now: () => Date.now() };
  const stdout = options.stdout ?? process.stdout;
  // A resize makes the terminal rewrap (or crop) the lines already drawn, so Ink's erase of "the
  // last frame's lines" misses some and stale lines stay. Instead the screen is erased from the
  // top and Ink told its frame is gone: it draws the next frame whole from the top. This listener
  // is added before Ink's own, so it runs first.
  let ink: { clear(): void } | undefined;
  const onResize = () => {
    if (ink === undefined) return;
    stdout.write(ERASE_SCREEN);
    ink.clear();
  };
  stdout.on("resize", onResize);
  try {
    const instance = render(
      createElement(DashboardApp, {
        store: options.store,
        clock,
        onQuit: options.onQuit,
        onDetach: options.onDetach,
        hold: options.hold,
        color: options.color ?? true,
        detachEndsRun: options.detachEndsRun ?? false,
      }),
      {
        stdout,
        stdin: options.stdin ?? process.stdin,
        // CI may be set in a real terminal; the caller already decided this is interactive.
        interactive: true,
        exitOnCtrlC: false,
        patchConsole: false,
        // Ink draws at most one frame per RENDER_THROTTLE_MS, whatever asked for it.
        maxFps: 1000 / RENDER_THROTTLE_MS,
      },
    );
    ink = instance;
    const result = await instance.waitUntilExit() as DashboardResult;
    if (!result.detached) {
      const text = closingText(options.store.state, stdout.columns || 80);
      if (text !== "") stdout.write(text);
    }
    return result;
  } finally {
    stdout.off("resize", onResize);
  }
}
