/**
 * The single binary: `deno task compile`'s exact flags build `tamr-refresh`, which then runs
 * `--help` and `demo --headless` from an empty directory (so nothing is read from the checkout).
 *
 * `deno compile` needs Deno's compile runtime (denort), which it downloads unless `DENORT_BIN`
 * points at one. Where neither works (machines without network, like this project's), these tests
 * are reported as ignored, with the reason printed; they never pass without having run.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

/** `deno task compile`, as written in deno.json, split into arguments. */
const task = (JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
  tasks: Record<string, string>;
}).tasks.compile!;

/** The compile task's arguments with the output path replaced by `out`. */
function compileArgs(out: string): string[] {
  const words = task.trim().split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "compile"], `unexpected compile task: ${task}`);
  const o = words.indexOf("-o");
  assert.ok(o > 0 && words[o + 1], `the compile task names its output with -o: ${task}`);
  words[o + 1] = out;
  return words.slice(1);
}

async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs: number },
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const out = await new Deno.Command(cmd, {
      args,
      cwd: options.cwd ?? ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
      ...(options.env ? { env: options.env, clearEnv: true } : {}),
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code: out.code,
      stdout: text(out.stdout),
      stderr: text(out.stderr),
      timedOut: controller.signal.aborted,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Tries `deno compile` on a one-line program. Returns null when it works, else why not. Only a
 * missing compile runtime is a reason to skip; any other failure is the test's to report.
 */
async function compileRuntimeMissing(): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-denort-probe-" });
  try {
    await Deno.writeTextFile(`${dir}/probe.ts`, "Deno.exit(0);\n");
    const r = await run(Deno.execPath(), ["compile", "-o", `${dir}/probe`, `${dir}/probe.ts`], {
      cwd: dir,
      timeoutMs: 90_000,
    });
    if (r.code === 0) return null;
    // deno-lint-ignore no-control-regex
    const why = r.stderr.replace(/\x1b\[[0-9;]*m/g, "");
    if (r.timedOut) return "`deno compile` did not finish within 90 s (fetching denort?)";
    if (/denort|base binary|dl\.deno\.land|error sending request/i.test(why)) {
      const line = why.split("\n").find((l) => /denort|dl\.deno\.land/.test(l))?.trim() ?? "";
      return `Deno's compile runtime (denort) is not in the cache and cannot be downloaded here; ` +
        `set DENORT_BIN to a denort binary to run these tests. (${line})`;
    }
    return null; // another failure: let the tests run and show it
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const missing = await compileRuntimeMissing();
if (missing) {
  Deno.stderr.writeSync(
    new TextEncoder().encode(`compile_test.ts: binary tests ignored: ${missing}\n`),
  );
}

/** Builds the binary once, lazily, in a temporary directory. */
let built: Promise<{ dir: string; bin: string }> | undefined;
function binary() {
  return built ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-bin-" });
    const bin = `${dir}/tamr-refresh`;
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const r = await run(Deno.execPath(), compileArgs(bin), { timeoutMs: 300_000 });
    assert.equal(r.code, 0, `deno task compile failed:\n${r.stderr}`);
    return { dir, bin };
  })();
}

/** Env of a machine with no Deno: no DENO_DIR, an empty HOME, not a terminal. */
const bareEnv = (home: string) => ({
  PATH: "/usr/bin:/bin",
  HOME: home,
  CI: "true",
  NO_COLOR: "1",
});

Deno.test("the compile task bakes in the permissions the CLI needs, and only those", () => {
  const args = compileArgs("x");
  for (const p of ["--allow-net", "--allow-read", "--allow-write", "--allow-env"]) {
    assert.ok(args.includes(p), `deno task compile passes ${p}: ${task}`);
  }
  assert.ok(!args.includes("-A") && !args.includes("--allow-all"), "no blanket -A");
  assert.equal(args.at(-1), "main.ts");
});

Deno.test({
  name: "the compiled binary prints --help from an empty directory",
  ignore: missing !== null,
  async fn() {
    const { dir, bin } = await binary();
    const r = await run(bin, ["--help"], { cwd: dir, env: bareEnv(dir), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: tamr-refresh/);
    assert.match(r.stdout, /Exit codes:/);
  },
});

Deno.test({
  name: "the compiled binary runs demo --headless against its built-in tenant",
  ignore: missing !== null,
  async fn() {
    const { dir, bin } = await binary();
    const r = await run(bin, ["demo", "--headless"], {
      cwd: dir,
      env: bareEnv(dir),
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Run succeeded .*\(exit 0\)/);
  },
});
