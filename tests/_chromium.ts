/**
 * Headless Chromium for the report's browser test: find it, load a page and dump its DOM after the
 * page's scripts ran, or take a screenshot. Debian's `chromium` (`.ci/run` installs it).
 */

/** The Chromium binaries tried, in order. */
const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The first Chromium on PATH that answers `--version`, or null. */
export async function findChromium(): Promise<string | null> {
  for (const name of NAMES) {
    try {
      const out = await new Deno.Command(name, {
        args: ["--version"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) return name;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return null;
}

/** A guard against a browser that never ends (not a timing assertion: a stuck test's way out). */
const STUCK_MS = 120_000;

/** Runs headless Chromium with `args` (and a profile of its own); returns its stdout. */
async function headless(browser: string, args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "tamr-refresh-chromium-" });
  try {
    const out = await new Deno.Command(browser, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(STUCK_MS),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success) throw new Error(`${browser} exited ${out.code}: ${stderr}`);
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/**
 * The DOM of the page at `url` once loaded (and its scripts run, on virtual time), at a window of
 * `width` × `height`. `fileAccess` lets a file page read other file pages (a measuring frame).
 */
export function dumpDom(
  browser: string,
  url: string,
  options: { width: number; height: number; fileAccess?: boolean },
): Promise<string> {
  return headless(browser, [
    `--window-size=${options.width},${options.height}`,
    "--virtual-time-budget=10000",
    ...(options.fileAccess ? ["--allow-file-access-from-files"] : []),
    "--dump-dom",
    url,
  ]);
}

/** Saves a PNG of the page at `url` in a window of `width` × `height`. */
export async function screenshot(
  browser: string,
  url: string,
  file: string,
  options: { width: number; height: number },
): Promise<void> {
  await headless(browser, [
    `--window-size=${options.width},${options.height}`,
    `--screenshot=${file}`,
    url,
  ]);
}

/** The width and height of a PNG, from its IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error("not a PNG");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
