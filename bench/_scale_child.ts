/**
 * One scale run's CLI as a child process: spawned, its deno process found under `time` and
 * `script`, sampled through /proc until it exits, its output counted (and, in a terminal, the plan
 * review confirmed with Enter).
 */
import { readOrNull, sampleProcess, startSampler } from "./_proc.ts";

export type Sampler = ReturnType<typeof startSampler>;

/** What watching the child saw. Times are real ms since the epoch. */
export interface Watched {
  began: number;
  exitCode: number;
  wallMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  /** The last readings of the bytes it wrote and its CPU time before it ended: its totals. */
  lastWchar: number;
  lastCpu: number;
  sampler: Sampler;
}

/** Spawns the command and watches it until it exits. */
export async function watchChild(command: Deno.Command, terminal: boolean): Promise<Watched> {
  const began = Date.now();
  const child = command.spawn();
  const pid = await descendantDeno(child.pid);
  const sampler = startSampler(pid, 50);
  const bytes = { stdout: 0, stderr: 0 };
  const keyboard = terminal ? child.stdin.getWriter() : null;
  const readOut = readStdout(child.stdout, keyboard, bytes);
  const readErr = (async () => {
    for await (const chunk of child.stderr) {
      bytes.stderr += chunk.length;
    }
  })();
  // The last reading before the process ends holds its totals.
  let lastWchar = 0;
  let lastCpu = 0;
  const tail = setInterval(async () => {
    const s = await sampleProcess(pid);
    if (s.wchar !== null) lastWchar = s.wchar;
    if (s.cpuMs !== null) lastCpu = s.cpuMs;
  }, 20);
  const status = await child.status;
  const wallMs = Date.now() - began;
  clearInterval(tail);
  await Promise.all([readOut, readErr]);
  await keyboard?.close();
  await sampler.stop();
  return {
    began,
    exitCode: status.code,
    wallMs,
    stdoutBytes: bytes.stdout,
    stderrBytes: bytes.stderr,
    lastWchar,
    lastCpu,
    sampler,
  };
}

/** Counts stdout's bytes; with a keyboard (in a terminal), confirms the plan review once drawn. */
async function readStdout(
  stdout: Deno.ChildProcess["stdout"],
  keyboard: ReturnType<Deno.ChildProcess["stdin"]["getWriter"]> | null,
  bytes: { stdout: number },
): Promise<void> {
  let review = keyboard ? "" : null;
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    bytes.stdout += new TextEncoder().encode(chunk).length;
    if (review === null) continue;
    review = (review + chunk).slice(-4000);
    if (review.includes("Start the refresh with this plan?")) {
      review = null;
      await keyboard?.write(new TextEncoder().encode("\r"));
    }
  }
}

/** The deno process started under `pid` (itself, or under /usr/bin/time, `script` and its shell). */
async function descendantDeno(pid: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const found = await findDeno(pid);
    if (found !== null) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Cannot find the deno process started under pid ${pid}`);
}

async function findDeno(pid: number): Promise<number | null> {
  const comm = await readOrNull(`/proc/${pid}/comm`);
  if (comm?.trim() === "deno") return pid;
  const children = (await readOrNull(`/proc/${pid}/task/${pid}/children`))?.trim();
  for (const child of children ? children.split(/\s+/).map(Number) : []) {
    const found = await findDeno(child);
    if (found !== null) return found;
  }
  return null;
}
