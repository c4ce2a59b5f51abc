/**
 * Start-up: how long `tamr-refresh --help` and a headless `run` take to get going, against
 * `deno run` of an empty script, and which npm packages each path loads before its work begins.
 */
import { startSimTenant } from "../lib/sim/server.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const RUN_MODULE = new URL("../lib/app/commands/run.ts", import.meta.url).pathname;
const CONFIG = `${ROOT}deno.json`;

/** Packages only the interactive paths may load. */
export const INTERACTIVE_ONLY = [
  "ink",
  "react",
  "@inquirer/prompts",
  "ink-testing-library",
];

export interface StartupResult {
  emptyMs: number;
  helpMs: number;
  versionMs: number;
  /** Scripts that import one package and nothing else: what each costs to load. */
  importMs: Record<string, number>;
  /** From spawning `run --headless` to its first request reaching the tenant. */
  firstRequestMs: number;
  /** npm packages loaded (statically) before `--help` prints, and before a headless run's first request. */
  helpPackages: string[];
  runPackages: string[];
}

/** Median wall time of `deno run` with these arguments, after one warm-up run. */
async function timeDeno(args: string[], times = 9): Promise<number> {
  const once = async () => {
    const began = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      stdout: "null",
      stderr: "null",
      env: { NO_COLOR: "1" },
    }).output();
    if (!out.success) throw new Error(`deno ${args.join(" ")} exited with ${out.code}`);
    return performance.now() - began;
  };
  await once();
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)]!;
}

/** The npm packages a module loads at start, following static imports only (no `import()`). */
export async function staticPackages(path: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", CONFIG, path],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno info ${path} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as DenoInfo;
  const redirect = (s: string) => info.redirects[s] ?? s;
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const packages = new Set<string>();
  const seen = new Set<string>();
  const addPackage = (id: string) => {
    const pkg = info.npmPackages[id];
    if (!pkg || packages.has(pkg.name)) return;
    packages.add(pkg.name);
    for (const dep of pkg.dependencies) addPackage(dep);
  };
  const walk = (specifier: string) => {
    const s = redirect(specifier);
    if (seen.has(s)) return;
    seen.add(s);
    const m = modules.get(s);
    if (!m) return;
    if (m.npmPackage) addPackage(m.npmPackage);
    for (const d of m.dependencies ?? []) {
      if (d.code && !d.isDynamic) walk(d.code.specifier);
    }
  };
  for (const root of info.roots) walk(root);
  return [...packages].sort();
}

interface DenoInfo {
  roots: string[];
  redirects: Record<string, string>;
  modules: {
    specifier: string;
    npmPackage?: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  }[];
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

/** Spawns a headless run of one short job and times it until the tenant sees its first request. */
async function timeToFirstRequest(): Promise<number> {
  const sim = await startSimTenant({ scenario: { pendingMs: 0, durations: { default: 50 } } });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-bench-" });
  try {
    const began = Date.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        MAIN,
        "run",
        "--headless",
        "--base-url",
        sim.baseUrl,
        "--source",
        "s1",
        "--data-product",
        "dp1",
        "--state",
        `${dir}/journal.json`,
      ],
      cwd: ROOT,
      env: { TAMR_API_KEY: sim.apiKey, NO_COLOR: "1", CI: "true" },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`The headless run failed: ${new TextDecoder().decode(out.stderr).trim()}`);
    }
    const first = sim.requests[0];
    if (!first) throw new Error("The headless run made no request");
    return first.time - began;
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Measures start-up (about 10 seconds). */
export async function measureStartup(): Promise<StartupResult> {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-bench-" });
  try {
    const script = async (name: string, text: string) => {
      const path = `${dir}/${name}.ts`;
      await Deno.writeTextFile(path, text);
      return path;
    };
    const empty = await script("empty", "");
    const importMs: Record<string, number> = {};
    for (const pkg of ["commander", "@commander-js/extra-typings", "zod", "dotenv"]) {
      const path = await script(pkg.replace(/\W/g, "_"), `import ${JSON.stringify(pkg)};\n`);
      importMs[pkg] = await timeDeno(["run", "-A", "--quiet", "--config", CONFIG, path]);
    }
    const nodeOnly = await script("node", `import "node:process";\n`);
    importMs["node:process"] = await timeDeno([
      "run",
      "-A",
      "--quiet",
      "--config",
      CONFIG,
      nodeOnly,
    ]);
    return {
      emptyMs: await timeDeno(["run", "-A", "--quiet", "--config", CONFIG, empty]),
      helpMs: await timeDeno(["run", "-A", "--quiet", "--config", CONFIG, MAIN, "--help"]),
      versionMs: await timeDeno(["run", "-A", "--quiet", "--config", CONFIG, MAIN, "--version"]),
      importMs,
      firstRequestMs: await timeToFirstRequest(),
      helpPackages: await staticPackages(MAIN),
      runPackages: [
        ...new Set([...await staticPackages(MAIN), ...await staticPackages(RUN_MODULE)]),
      ]
        .sort(),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  // `deno run -A bench/startup.ts`: this part of `deno task bench` alone.
  const r = await measureStartup();
  const line = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
  line(
    `empty script ${r.emptyMs.toFixed(0)} ms; --help ${r.helpMs.toFixed(0)} ms (${
      (r.helpMs / r.emptyMs).toFixed(2)
    }×); --version ${r.versionMs.toFixed(0)} ms; first request ${r.firstRequestMs.toFixed(0)} ms`,
  );
  line(
    `one import: ${
      Object.entries(r.importMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")
    }`,
  );
  line(`--help loads: ${r.helpPackages.join(", ") || "no npm package"}`);
  line(`a headless run loads: ${r.runPackages.join(", ") || "no npm package"}`);
}
