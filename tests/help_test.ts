import assert from "node:assert/strict";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import { parseScenario } from "../lib/sim/parse_scenario.ts";
import { childEnv, type CliResult, ROOT, runCli, SECRET_KEY } from "./_cli.ts";

/** Every command a user can ask for help on, as they would type it. */
const COMMANDS: string[][] = [
  [],
  ["run"],
  ["demo"],
  ["sim"],
  ["jobs"],
  ["jobs", "get"],
  ["jobs", "watch"],
  ["jobs", "stop"],
  ["jobs", "list"],
  ["init"],
  ["history"],
  ["report"],
];

/** The help of each command, run as a subprocess the way a user asks for it (once, lazily). */
let helpsRun: Promise<{ cmd: string[]; result: CliResult }[]> | undefined;
const helps = () =>
  helpsRun ??= (async () => {
    const results = [];
    // Two at a time: the machine is small and shared.
    for (let i = 0; i < COMMANDS.length; i += 2) {
      results.push(
        ...await Promise.all(
          COMMANDS.slice(i, i + 2).map(async (cmd) => ({
            cmd,
            result: await runCli([...cmd, "--help"], childEnv()),
          })),
        ),
      );
    }
    return results;
  })();

/** The text after `heading` up to the next blank line. */
function section(text: string, heading: string): string {
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) return "";
  const rest = text.slice(at + heading.length + 2);
  const end = rest.indexOf("\n\n");
  return end < 0 ? rest : rest.slice(0, end);
}

Deno.test("every command's --help exits 0 and prints its usage on stdout", async () => {
  for (const { cmd, result } of await helps()) {
    const name = ["tamr-refresh", ...cmd].join(" ");
    assert.equal(result.code, 0, `${name} --help: ${result.stderr}`);
    assert.ok(result.stdout.startsWith(`Usage: ${name}`), `${name} --help:\n${result.stdout}`);
  }
});

Deno.test("every command's --help shows examples of that command", async () => {
  for (const { cmd, result } of await helps()) {
    const name = ["tamr-refresh", ...cmd].join(" ");
    const examples = section(result.stdout, "Examples:");
    assert.ok(examples.length > 0, `${name} --help has no Examples section:\n${result.stdout}`);
    const lines = examples.split("\n").filter((l) => /^ {2}\S/.test(l));
    assert.ok(lines.length >= 2, `${name} --help shows at least two examples:\n${examples}`);
    assert.ok(
      lines.some((l) => l.includes(name)),
      `${name} --help has an example of ${name} itself:\n${examples}`,
    );
  }
});

/** What each command reads and returns, as its help must list them: no more, no less. */
const OWN: Record<string, { env: string[]; codes: string[] }> = {
  "": {
    env: ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL", "CI", "NO_COLOR"],
    codes: ["0", "1", "2", "3", "4", "5", "130", "141"],
  },
  run: {
    env: ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL", "CI", "NO_COLOR"],
    codes: ["0", "1", "2", "3", "4", "5", "130", "141"],
  },
  demo: { env: ["CI", "NO_COLOR"], codes: ["0", "1", "2", "130"] },
  sim: { env: [], codes: ["2", "130"] },
  init: { env: ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL"], codes: ["0", "2", "4", "130"] },
  history: { env: ["TAMR_TENANT", "TAMR_BASE_URL", "XDG_STATE_HOME"], codes: ["0", "2"] },
  report: { env: ["TAMR_TENANT", "TAMR_BASE_URL"], codes: ["0", "2"] },
  "jobs watch": {
    env: ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL"],
    codes: ["0", "1", "2", "3", "4", "130"],
  },
  "jobs get": {
    env: ["TAMR_API_KEY", "TAMR_TENANT", "TAMR_BASE_URL"],
    codes: ["0", "2", "4", "130"],
  },
};

const listed = (block: string) => [...block.matchAll(/^ {2}(\S+) +\S/gm)].map((m) => m[1]!);

Deno.test("each command's --help lists only the environment variables it reads", async () => {
  for (const { cmd, result } of await helps()) {
    const own = OWN[cmd.join(" ")];
    if (!own) continue;
    const name = ["tamr-refresh", ...cmd].join(" ");
    const env = listed(section(result.stdout, "Environment:"));
    for (const v of own.env) assert.ok(env.includes(v), `${name} --help names ${v}: ${env}`);
    if (own.env.length === 0) assert.deepEqual(env, [], `${name} reads no variable`);
    if (!own.env.includes("TAMR_API_KEY")) {
      assert.ok(!env.includes("TAMR_API_KEY"), `${name} --help does not name TAMR_API_KEY`);
    }
  }
});

Deno.test("each command's --help lists only the exit codes it can return", async () => {
  for (const { cmd, result } of await helps()) {
    const own = OWN[cmd.join(" ")];
    if (!own) continue;
    const name = ["tamr-refresh", ...cmd].join(" ");
    const codes = listed(section(result.stdout, "Exit codes:"));
    for (const c of own.codes) assert.ok(codes.includes(c), `${name} --help: exit ${c}: ${codes}`);
    for (const c of codes) {
      assert.ok(
        own.codes.includes(c) || c === "141",
        `${name} --help lists exit ${c}, which it cannot return`,
      );
    }
  }
});

Deno.test("help wins over the rest of the line: run --help --tenant shows run's help", async () => {
  const { cli } = await import("../lib/app/program.ts");
  const { fakeIo } = await import("./_io.ts");
  let out = "";
  const code = await cli(
    ["run", "--help", "--tenant"],
    fakeIo(new Map(), { out: (t) => void (out += t) }),
  );
  assert.equal(code, 0);
  assert.match(out, /^Usage: tamr-refresh run/);
  assert.doesNotMatch(out, /\(default: \[\]\)/, "no default shown for repeatable options");
  assert.match(out, /--output <format> +text, or json: NDJSON events on stdout \(default text\)/);
});

Deno.test("run --help teaches --junit, --notify and the GitHub Actions integration", async () => {
  const run = (await helps()).find((h) => h.cmd.join(" ") === "run")!.result.stdout;
  assert.match(run, /^ {2}--junit <file> +write a JUnit XML report/m);
  assert.match(run, /^ {2}--notify <url> +POST a JSON summary/m);
  assert.match(run, /GITHUB_STEP_SUMMARY/);
  assert.match(run, /GITHUB_ACTIONS=true/);
});

Deno.test("every export of the kit (lib/mod.ts) has JSDoc with an @example", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", `${ROOT}lib/mod.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: { name: string; declarations: { jsDoc?: JsDoc }[] }[] }>;
  };
  type JsDoc = { doc?: string; tags?: { kind: string }[] };
  const symbols = Object.values(doc.nodes)[0]!.symbols;
  assert.ok(symbols.length > 20, `found only ${symbols.length} exports`);
  const missing = symbols.filter((s) =>
    !s.declarations.some((d) => d.jsDoc?.doc && d.jsDoc.tags?.some((t) => t.kind === "example"))
  ).map((s) => s.name);
  assert.deepEqual(missing, [], "exports without a description and an @example");
});

/** The kit section's `n`th TypeScript example of the README. */
async function kitExample(n: number): Promise<string | undefined> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const kit = readme.slice(readme.indexOf("## The kit"));
  return [...kit.matchAll(/```ts\n([\s\S]*?)```/g)][n]?.[1];
}

/** Runs a README script against a simulated tenant of `durationMs` jobs, then `check`s the tenant. */
async function runKitExample(
  script: string,
  durationMs: number,
  check: (sim: SimTenant) => void,
): Promise<void> {
  const sim = await startSimTenant({
    scenario: { pendingMs: 20, durations: { default: durationMs } },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-readme-" });
  try {
    assert.ok(script.includes('"https://acme.tamr.cloud"') && script.includes('"./lib/mod.ts"'));
    const file = `${dir}/script.ts`;
    await Deno.writeTextFile(
      file,
      script.replace('"https://acme.tamr.cloud"', JSON.stringify(sim.baseUrl))
        .replace('"./lib/mod.ts"', JSON.stringify(`${ROOT}lib/mod.ts`)),
    );
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", "--allow-env=TAMR_API_KEY", file],
      env: childEnv({ TAMR_API_KEY: SECRET_KEY }),
      clearEnv: true,
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    assert.ok(sim.creates().every((j) => j.status.state === "DONE" && !j.status.error));
    check(sim);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the README's kit script refreshes its sources and data product on the simulated tenant", async () => {
  const script = await kitExample(0);
  assert.ok(script, "the README has a TypeScript example in its kit section");
  assert.ok(script.trim().split("\n").length <= 12, "a short script");
  await runKitExample(script, 50, (sim) => {
    assert.deepEqual(sim.creates().map((j) => JSON.stringify(j.configuration)), [
      JSON.stringify({ load: { sourceId: "src_crm" } }),
      JSON.stringify({ load: { sourceId: "src_erp" } }),
      JSON.stringify({ update: { dataProductId: "dp_customers" } }),
    ]);
  });
});

Deno.test("the README's shared-polls script waits for two jobs with lists by job_id on the simulated tenant", async () => {
  const script = await kitExample(1);
  assert.ok(script && script.includes("sharedPolls(client)"), "the kit section's second example");
  await runKitExample(script, 3_000, (sim) => {
    assert.equal(sim.creates().length, 2);
    assert.ok(
      sim.requests.some((q) => q.path.endsWith("/jobs") && q.query.includes("job_id")),
      "the two jobs were polled with a list by job_id",
    );
  });
});

Deno.test("main.ts's copy of the top-level --help is exactly commander's (regenerate if not)", async () => {
  const { ROOT_HELP } = await import("../lib/app/help/help_snapshot.ts");
  const { commanderRootHelp } = await import("../lib/app/program/root_help.ts");
  assert.equal(
    ROOT_HELP,
    await commanderRootHelp(),
    "the help changed: run `deno run -A lib/app/program/root_help.ts --write`",
  );
});

Deno.test("a bare --help loads no npm package before it prints (no commander, zod or dotenv)", async () => {
  const { staticPackages } = await import("../bench/startup.ts");
  assert.deepEqual(await staticPackages(`${ROOT}main.ts`), []);
});

Deno.test("history's help and the README name the history file as historyPathOf() does", async () => {
  const { historyPathOf } = await import("../lib/app/history/store.ts");
  const history = (await helps()).find((h) => h.cmd.join(" ") === "history")!.result.stdout;
  const report = (await helps()).find((h) => h.cmd.join(" ") === "report")!.result.stdout;
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.equal(historyPathOf("runs/j.json"), "runs/j.history.jsonl");
  assert.match(
    history.replaceAll("\n", " "),
    /--state runs\/j\.json keeps them in runs\/j\.history\.jsonl/,
  );
  assert.equal(historyPathOf("j.json"), "j.history.jsonl");
  assert.match(report, /j\.json: its history is j\.history\.jsonl/);
  assert.equal(historyPathOf("j.state"), "j.state.history.jsonl");
  assert.match(
    history.replaceAll("\n", " "),
    /a journal not ending in \.json gets \.history\.jsonl added/,
  );
  assert.match(
    readme.replaceAll("\n", " "),
    /`--state runs\/j\.json` keeps it in `runs\/j\.history\.jsonl`/,
  );
  for (const text of [history, readme]) assert.doesNotMatch(text, /<journal>\.history\.jsonl/);
});

Deno.test("sim --help's example scenario is one the simulated tenant takes", async () => {
  const r = await runCli(["sim", "--help"], childEnv());
  assert.equal(r.code, 0, r.stderr);
  const example = r.stdout.split("for example:\n")[1]?.split("\n  durations and failures")[0];
  assert.ok(example, r.stdout);
  const scenario = parseScenario(JSON.parse(example));
  assert.equal(scenario.durations?.["load:s1"], 60_000);
  assert.equal(scenario.faults?.[0]?.kind, "status");
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 80, line);
});
