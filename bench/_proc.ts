/** Reading another process's memory, CPU time and bytes written from Linux's /proc. */

/** One reading of a process. Null fields: /proc did not say (or the process is gone). */
export interface ProcSample {
  /** Real time of the reading, ms since the epoch. */
  at: number;
  rssKb: number | null;
  /** The peak resident set size so far (VmHWM). */
  hwmKb: number | null;
  /** User plus system CPU time, in ms. */
  cpuMs: number | null;
  /** Bytes passed to write() so far (files, pipes and sockets alike). */
  wchar: number | null;
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's times (`getconf CLK_TCK`, almost always 100). */
export async function clockTicksPerSecond(): Promise<number> {
  if (clockTicks !== undefined) return clockTicks;
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    clockTicks = Number.isInteger(n) && n > 0 ? n : 100;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    clockTicks = 100;
  }
  return clockTicks;
}

/** Reads /proc/<pid>/{status,stat,io}; a process that is gone gives null fields. */
export async function sampleProcess(pid: number | "self"): Promise<ProcSample> {
  const ticks = await clockTicksPerSecond();
  const at = Date.now();
  const [status, stat, io] = await Promise.all([
    readOrNull(`/proc/${pid}/status`),
    readOrNull(`/proc/${pid}/stat`),
    readOrNull(`/proc/${pid}/io`),
  ]);
  const kb = (name: string) => {
    const m = status === null ? null : new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) : null;
  };
  let cpuMs: number | null = null;
  if (stat !== null) {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (Number.isFinite(utime) && Number.isFinite(stime)) cpuMs = (utime + stime) * 1000 / ticks;
  }
  const w = io === null ? null : /^wchar:\s+(\d+)/m.exec(io);
  return { at, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM"), cpuMs, wchar: w ? Number(w[1]) : null };
}

/** A file's text, or null when it (or the process it describes) is gone. */
export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) return null;
    // A process that exits while we read: ESRCH surfaces as a generic error.
    if (e instanceof Error && /No such process|ESRCH/i.test(e.message)) return null;
    throw e;
  }
}

/** Samples a process every `everyMs` until stopped; keeps the last good reading of each field. */
export function startSampler(pid: number, everyMs = 50) {
  const samples: ProcSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const s = await sampleProcess(pid);
      if (s.cpuMs !== null) samples.push(s);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    /** The latest reading (or null before the first). */
    last: (): ProcSample | null => samples.at(-1) ?? null,
    /** The first reading at or after `t`. */
    at: (t: number): ProcSample | null => samples.find((s) => s.at >= t) ?? null,
    async stop(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}
