/**
 * Helpers to drive the CLI in a real pseudo-terminal through the `tmux` binary: start it in a
 * detached session of a fixed size, type into it, read the screen, and read its exit code.
 *
 * Every session runs on its own tmux server (`-S <socket in a fresh temporary directory>`, no user
 * config), so tests never see each other's sessions or the user's, and no socket file is left
 * behind (tmux does not remove its socket when the server ends). The child gets an explicit
 * environment without `CI` (CI=true would make the CLI headless) and with `TERM` set, as a
 * terminal user has.
 */
import { MAIN, ROOT } from "./_cli.ts";

function probeTmux(): string | undefined {
  try {
    const { success } = new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync();
    return success ? undefined : "`tmux -V` failed";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "tmux is not installed";
    throw e;
  }
}

/** Why the tmux tests cannot run here, or undefined when they can. */
export const tmuxSkipReason: string | undefined = probeTmux();
export const hasTmux = tmuxSkipReason === undefined;

let toldSkip = false;
/** Says once, on stderr, why the tmux tests are skipped. */
export function announceSkip(): void {
  if (hasTmux || toldSkip) return;
  toldSkip = true;
  const text = `tmux tests skipped: ${tmuxSkipReason} (install tmux to run them)\n`;
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

export const COLUMNS = 110;
export const ROWS = 35;

/** How long a wait for text or for the exit may take before the test fails, on a loaded machine. */
export const WAIT_MS = 30_000;

/** Quotes a string for `sh`. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The child's whole environment: what a terminal user has, never `CI`. */
function terminalEnv(stateDir: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    DENO_NO_UPDATE_CHECK: "1",
    // Run journals go here, not under the user's home.
    XDG_STATE_HOME: stateDir,
  };
  for (const k of ["DENO_DIR", "XDG_CACHE_HOME"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  const all = { ...env, ...extra };
  delete all.CI;
  return all;
}

export interface StartOptions {
  /** Variables added to (or overriding) the child's environment. `CI` is always dropped. */
  env?: Record<string, string>;
  columns?: number;
  rows?: number;
}

/** What a capture holds. */
export interface CaptureOptions {
  /** Only the visible screen, without the scrollback above it. */
  visible?: boolean;
  /** With the escape codes of colours and text styles (`capture-pane -e`). */
  escapes?: boolean;
}

export interface TmuxSession {
  /** A temporary directory of this session: the child's cwd, its XDG_STATE_HOME is `state/` in it. */
  dir: string;
  /** Every screen read so far (each with the scrollback), oldest first. */
  captures: string[];
  /** Sends tmux key names, e.g. `"Enter"`, `"Down"`, `"Space"`, `"C-c"`. */
  keys(...names: string[]): Promise<void>;
  /** Types `text` literally. */
  type(text: string): Promise<void>;
  /** The screen now, with the scrollback above it unless `visible`. */
  capture(options?: CaptureOptions): Promise<string>;
  /** Reads the screen until `match` is on it; returns that capture. Fails with the last screen. */
  waitFor(match: string | RegExp, what?: string, options?: CaptureOptions): Promise<string>;
  /** Resizes the terminal (the window), as a user dragging its corner does. */
  resize(columns: number, rows: number): Promise<void>;
  /** Where the cursor is: `x` 0 at the start of a line (after a newline). */
  cursor(): Promise<{ x: number; y: number }>;
  /** Waits for the child to exit and returns its exit code. */
  exitCode(): Promise<number>;
  /** Ends the tmux server (and the child with it) and removes the directory. */
  close(): Promise<void>;
}

async function tmux(socket: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-S", socket, "-f", "/dev/null", ...args],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", TERM: "xterm-256color", LANG: "C.UTF-8" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `tmux ${args[0]} failed (exit ${out.code}): ${text.decode(out.stderr).trim()}`,
    );
  }
  return text.decode(out.stdout);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `deno run -A main.ts ...args` in a detached tmux session of `columns`×`rows` (110×35 by
 * default). The pane stays after the child exits so its last frame can be read; the exit code is
 * written by the shell to a file of the session's directory.
 */
export async function startTmux(args: string[], options: StartOptions = {}): Promise<TmuxSession> {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-tmux-" });
  const socket = `${dir}/tmux.sock`;
  const exitFile = `${dir}/exit`;
  const env = terminalEnv(`${dir}/state`, options.env ?? {});
  const command = [
    "env",
    "-i",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    "--config",
    `${ROOT}deno.json`,
    MAIN,
    ...args,
  ];
  await Deno.writeTextFile(
    `${dir}/run.sh`,
    `cd ${shQuote(dir)}\n${command.map(shQuote).join(" ")}\necho "EXIT=$?" > ${
      shQuote(exitFile)
    }\n`,
  );
  const target = "cli";
  let started = false;
  const captures: string[] = [];

  let rows = options.rows ?? ROWS;
  const capture = async (how: CaptureOptions = {}) => {
    // -J joins wrapped lines; -S - starts at the top of the scrollback; -e keeps escape codes.
    const screen = await tmux(socket, [
      "capture-pane",
      "-p",
      "-J",
      ...(how.visible ? [] : ["-S", "-"]),
      ...(how.escapes ? ["-e"] : []),
      "-t",
      target,
    ]);
    captures.push(screen);
    return screen;
  };
  const lastScreen = (capture: string) => capture.split("\n").slice(-rows - 1).join("\n");

  const session: TmuxSession = {
    dir,
    captures,
    keys: async (...names) => void await tmux(socket, ["send-keys", "-t", target, ...names]),
    type: async (text) => void await tmux(socket, ["send-keys", "-t", target, "-l", text]),
    capture,
    async resize(columns, newRows) {
      await tmux(socket, [
        "resize-window",
        "-t",
        target,
        "-x",
        String(columns),
        "-y",
        String(newRows),
      ]);
      rows = newRows;
    },
    async cursor() {
      const out = await tmux(socket, [
        "display-message",
        "-p",
        "-t",
        target,
        "#{cursor_x} #{cursor_y}",
      ]);
      const [x, y] = out.trim().split(" ").map(Number);
      return { x: x!, y: y! };
    },
    async waitFor(match, what, how) {
      const end = Date.now() + WAIT_MS;
      for (;;) {
        const screen = await capture(how);
        if (typeof match === "string" ? screen.includes(match) : match.test(screen)) return screen;
        if (Date.now() > end) {
          throw new Error(
            `Timed out after ${WAIT_MS} ms waiting for ${what ?? String(match)}; the screen:\n` +
              lastScreen(screen),
          );
        }
        await sleep(100);
      }
    },
    async exitCode() {
      const end = Date.now() + WAIT_MS;
      for (;;) {
        const text = await Deno.readTextFile(exitFile).catch((e) => {
          if (e instanceof Deno.errors.NotFound) return "";
          throw e;
        });
        const m = /^EXIT=(\d+)\n/.exec(text);
        if (m) return Number(m[1]);
        if (Date.now() > end) {
          throw new Error(
            `Timed out after ${WAIT_MS} ms waiting for the CLI to exit; the screen:\n` +
              lastScreen(await capture()),
          );
        }
        await sleep(100);
      }
    },
    async close() {
      try {
        if (started) await tmux(socket, ["kill-server"]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };

  try {
    await tmux(socket, [
      "new-session",
      "-d",
      "-s",
      target,
      "-x",
      String(options.columns ?? COLUMNS),
      "-y",
      String(options.rows ?? ROWS),
      `sh ${shQuote(`${dir}/run.sh`)}`,
      ";",
      // Keep the last frame readable once the child has exited.
      "set-option",
      "-t",
      target,
      "remain-on-exit",
      "on",
    ]);
    started = true;
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

/** Runs `fn` with a session and always ends the session afterwards. */
export async function withTmux<T>(
  args: string[],
  options: StartOptions,
  fn: (s: TmuxSession) => Promise<T>,
): Promise<T> {
  const s = await startTmux(args, options);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
