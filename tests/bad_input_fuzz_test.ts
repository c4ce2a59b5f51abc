/**
 * Random bad configs and flag combinations (seeded): each is a usage error (exit 2) with a
 * message naming what is wrong, never a crash, and nothing is created. Many run in-process
 * through the same functions `run` uses; a sample runs through the CLI as subprocesses.
 */
import assert from "node:assert/strict";
import { requireRunSettings, resolveSettings, type RunFlags } from "../lib/app/settings/config.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { newJournal } from "../lib/app/journal/journal.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { mulberry32 } from "../lib/sim/_prng.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { childEnv, type CliResult, runCli, SECRET_KEY } from "./_cli.ts";
import { memoryIo } from "./_io.ts";

/** One bad input: flags, files by path, environment, and what the message must name. */
interface BadInput {
  what: string[];
  flags: RunFlags & { output?: string; resume?: boolean; state?: string; extra?: string[] };
  files: Record<string, string>;
  env: Record<string, string>;
  /** The message names one of these (one per mutation). */
  expect: RegExp[];
  /** Only the whole CLI can catch it (commander, --output, the journal). */
  cliOnly?: boolean;
}

type Rng = () => number;
type Mutation = (input: BadInput, r: Rng) => void;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const CONFIG = "/fuzz/tamr-refresh.json";

const valid = () => ({
  sources: ["src_a", "src_b"],
  dataProduct: "dp_1",
  workflow: "wf_1",
  destinations: ["dest_1"],
  concurrency: 4,
  pollInterval: "30s",
  timeout: "2h",
  requestTimeout: "30s",
});

/** The config object of an input, parsed back from its file. */
function config(input: BadInput): Record<string, unknown> {
  return JSON.parse(input.files[CONFIG]!);
}
function setConfig(input: BadInput, c: unknown): void {
  input.files[CONFIG] = JSON.stringify(c, null, 2);
}

const BAD_IDS = ["", "a b", "tab\there", "nul\u0000", "x".repeat(257), "del\u007f", "line\nbreak"];
const BAD_TENANTS = ["ACME", "a_b", "-acme", "acme-", "a".repeat(64), "acme.tamr.cloud", "ü"];
const BAD_URLS = [
  "not a url",
  "http://example.com",
  "http://10.0.0.1:8080",
  "ftp://127.0.0.1",
  "http://user:pw@127.0.0.1:1",
  "https://acme.tamr.cloud/?q=1",
  "https://acme.tamr.cloud/#top",
  "javascript:alert(1)",
  "//acme.tamr.cloud",
];
const BAD_DURATIONS = ["abc", "-1s", "0", "0ms", "10x", "1.5.2s", "s", "5 minutes", "", "1e3s"];
const BAD_CONCURRENCY = ["0", "51", "1.5", "four", "-3", "", "1e3"];
const WRONG_TYPES: Record<string, unknown[]> = {
  tenant: [5, [], {}, true],
  baseUrl: [1, ["http://127.0.0.1"], null],
  sources: ["src_a", [1], [null], {}, 3],
  dataProduct: [7, ["dp"], {}],
  workflow: [3, false],
  destinations: ["dest_1", [{}]],
  concurrency: ["4", [4], true],
  pollInterval: [true, [], {}],
  timeout: [null, ["2h"]],
  requestTimeout: [false, {}],
};
const DURATION_FLAGS = [
  ["pollInterval", "--poll-interval"],
  ["timeout", "--timeout"],
  ["requestTimeout", "--request-timeout"],
] as const;
const ID_FLAGS = [
  ["source", "--source", "sources"],
  ["dataProduct", "--data-product", "dataProduct"],
  ["workflow", "--workflow", "workflow"],
  ["destination", "--destination", "destinations"],
] as const;

/** Mutations that replace the whole config file: applied after any other. */
const FILE_MUTATIONS: Mutation[] = [
  (i, r) => {
    const text = i.files[CONFIG]!;
    i.files[CONFIG] = text.slice(0, 1 + Math.floor(r() * (text.length - 2)));
    i.what.push("a truncated config file");
    i.expect.push(/is not valid JSON/);
  },
  (i, r) => {
    i.files[CONFIG] = pick(r, ["", "not json", "[]", "null", "42", '"text"', "{,}", "\u0000"]);
    i.what.push("a config file that is not a JSON object");
    i.expect.push(/is not valid JSON|must be a object|\(top level\)/);
  },
];

const MUTATIONS: Mutation[] = [
  ...FILE_MUTATIONS,
  (i, r) => {
    const field = pick(r, ["sorces", "api_key", "tenantt", "retries", "constructor", "Sources"]);
    setConfig(i, { ...config(i), [field]: "x" });
    i.what.push(`an unknown config field "${field}"`);
    i.expect.push(new RegExp(`unknown field "${field}"`));
  },
  (i) => {
    setConfig(i, { ...config(i), apiKey: SECRET_KEY });
    i.what.push("an apiKey in the config file");
    i.expect.push(/"apiKey" field; the API key is never read from a file/);
  },
  (i, r) => {
    const field = pick(r, Object.keys(WRONG_TYPES));
    const value = pick(r, WRONG_TYPES[field]!);
    setConfig(i, { ...config(i), [field]: value });
    if (field === "baseUrl") delete i.flags.baseUrl;
    i.what.push(`config "${field}" of the wrong type (${JSON.stringify(value)})`);
    i.expect.push(new RegExp(`"${field}(\\.\\d+)?"|${field}`));
  },
  (i, r) => {
    const [field, flag] = pick(r, DURATION_FLAGS);
    const value = pick(r, BAD_DURATIONS);
    setConfig(i, { ...config(i), [field]: value });
    i.what.push(`config "${field}" ${JSON.stringify(value)}`);
    i.expect.push(new RegExp(`${flag} \\(or "${field}"`));
  },
  (i, r) => {
    const value = pick(r, [0, 51, 1.5, -1, 1e9]);
    setConfig(i, { ...config(i), concurrency: value });
    i.what.push(`config "concurrency" ${value}`);
    i.expect.push(/--concurrency \(or "concurrency"/);
  },
  (i, r) => {
    const [, , field] = pick(r, ID_FLAGS);
    const bad = pick(r, BAD_IDS.filter((x) => x !== "" || field !== "workflow"));
    const c = config(i);
    c[field] = Array.isArray(c[field]) ? [...(c[field] as string[]), bad] : bad;
    if (bad === "" && field === "dataProduct") {
      // An empty data product is no data product.
      i.expect.push(/No data product given/);
    } else {
      i.expect.push(new RegExp(`"${field}"`));
    }
    setConfig(i, c);
    i.what.push(`config "${field}" with ${JSON.stringify(bad)}`);
  },
  (i, r) => {
    const tenant = pick(r, BAD_TENANTS);
    setConfig(i, { ...config(i), tenant });
    i.what.push(`config "tenant" ${JSON.stringify(tenant)}`);
    i.expect.push(/--tenant \(or "tenant".*must be a DNS label/);
  },
  (i, r) => {
    const url = pick(r, BAD_URLS);
    setConfig(i, { ...config(i), baseUrl: url });
    delete i.flags.baseUrl;
    i.what.push(`config "baseUrl" ${JSON.stringify(url)}`);
    i.expect.push(/--base-url \(or "baseUrl"/);
  },
  (i, r) => {
    const field = pick(r, ["sources", "dataProduct"]);
    const c = config(i);
    delete c[field];
    setConfig(i, c);
    i.what.push(`no "${field}"`);
    i.expect.push(field === "sources" ? /No source given/ : /No data product given/);
  },
  // Flags.
  (i, r) => {
    const [key, flag] = pick(r, DURATION_FLAGS);
    const value = pick(r, BAD_DURATIONS.filter((d) => d !== ""));
    i.flags[key] = value;
    i.what.push(`${flag} ${JSON.stringify(value)}`);
    i.expect.push(new RegExp(`${flag}`));
  },
  (i, r) => {
    const value = pick(r, BAD_CONCURRENCY.filter((d) => d !== ""));
    i.flags.concurrency = value;
    i.what.push(`--concurrency ${JSON.stringify(value)}`);
    i.expect.push(/--concurrency .*must be a whole number from 1 to 50/);
  },
  (i, r) => {
    const [key, flag] = pick(r, ID_FLAGS);
    const bad = pick(r, BAD_IDS.filter((x) => x !== ""));
    if (key === "source" || key === "destination") i.flags[key] = [bad];
    else i.flags[key] = bad;
    i.what.push(`${flag} ${JSON.stringify(bad)}`);
    i.expect.push(new RegExp(`${flag}.*must be a non-empty id`));
  },
  (i, r) => {
    const tenant = pick(r, BAD_TENANTS);
    i.flags.tenant = tenant;
    i.what.push(`--tenant ${JSON.stringify(tenant)}`);
    i.expect.push(/--tenant.*must be a DNS label/);
  },
  (i, r) => {
    const url = pick(r, BAD_URLS);
    i.flags.baseUrl = url;
    i.what.push(`--base-url ${JSON.stringify(url)}`);
    i.expect.push(/--base-url/);
  },
  (i, r) => {
    const [name, value] = pick(
      r,
      [["TAMR_TENANT", pick(r, BAD_TENANTS)], [
        "TAMR_BASE_URL",
        pick(r, BAD_URLS.filter((u) => u !== "")),
      ]] as const,
    );
    i.env[name] = value;
    if (name === "TAMR_BASE_URL") delete i.flags.baseUrl;
    i.what.push(`${name}=${JSON.stringify(value)}`);
    // The message names the variable the bad value came from.
    i.expect.push(
      name === "TAMR_TENANT" ? /TAMR_TENANT must be a DNS label/ : /TAMR_BASE_URL (must|may)/,
    );
  },
  (i) => {
    delete i.flags.baseUrl;
    i.what.push("no tenant and no base URL");
    i.expect.push(/No tenant given/);
  },
  (i, r) => {
    if (r() < 0.5) {
      i.flags.envFile = "/fuzz/missing.env";
      i.what.push("a missing --env-file");
      i.expect.push(/Cannot read env file \/fuzz\/missing\.env/);
    } else {
      i.flags.config = "/fuzz/missing.json";
      i.what.push("a missing --config file");
      i.expect.push(/Cannot read config file \/fuzz\/missing\.json/);
    }
  },
  (i) => {
    delete i.env.TAMR_API_KEY;
    i.what.push("no TAMR_API_KEY");
    i.expect.push(/TAMR_API_KEY is not set/);
  },
];

/** Mutations only the whole CLI sees: commander, --output, the journal. */
const CLI_MUTATIONS: Mutation[] = [
  (i, r) => {
    i.flags.output = pick(r, ["xml", "JSON", "ndjson", ""]);
    i.what.push(`--output ${JSON.stringify(i.flags.output)}`);
    i.expect.push(/--output must be text or json/);
  },
  (i, r) => {
    const flag = pick(r, ["--sorce", "--api-key", "--tenat", "--retries", "-x"]);
    i.flags.extra = [flag, "1"];
    i.what.push(`the unknown flag ${flag}`);
    i.expect.push(/unknown option/);
  },
  (i) => {
    i.flags.resume = true;
    i.flags.state = "/fuzz-none/journal.json";
    i.what.push("--resume without a journal");
    i.expect.push(/There is no run journal to resume at/);
  },
  (i, r) => {
    i.flags.resume = true;
    i.flags.state = "JOURNAL";
    const plan = buildPlan({ sources: ["src_a", "src_b"], dataProduct: "dp_1" });
    const good = JSON.stringify(
      newJournal(plan, { tenant: "t", baseUrl: "u" }, "2026-01-01T00:00:00Z"),
    );
    i.files.JOURNAL = pick(r, [
      good.slice(0, Math.floor(good.length / 2)),
      "{}",
      good.replace('"version":1', '"version":2'),
      good.replace(/"kind":"load"/, '"kind":"drop"'),
      good.replace('"steps":{}', '"steps":{"load:src_a":{"jobId":7}}'),
      good.replace('"history":{}', '"history":{"load:src_a":["x"]}'),
    ]);
    i.what.push("--resume with a damaged journal");
    i.expect.push(/The run journal .* is not (valid JSON|a tamr-refresh journal)/);
  },
];

/** A seeded bad input: a valid base with one or two mutations. */
function generate(seed: number, withCli: boolean): BadInput {
  const r = mulberry32(seed);
  const input: BadInput = {
    what: [],
    flags: { config: CONFIG, baseUrl: "BASE_URL" },
    files: {},
    env: { TAMR_API_KEY: SECRET_KEY },
    expect: [],
  };
  setConfig(input, valid());
  const pool = withCli ? [...MUTATIONS, ...CLI_MUTATIONS] : MUTATIONS;
  const chosen = Array.from({ length: r() < 0.25 ? 2 : 1 }, () => pick(r, pool));
  const last = (m: Mutation) => FILE_MUTATIONS.includes(m) ? 1 : 0;
  for (const m of chosen.sort((a, b) => last(a) - last(b))) {
    if (CLI_MUTATIONS.includes(m)) input.cliOnly = true;
    m(input, r);
  }
  return input;
}

/** The message must say what is wrong: one of the mutations, never the key, never a stack. */
function checkMessage(input: BadInput, message: string, seed: number): void {
  const where = `seed ${seed} (${input.what.join(" + ")}): ${JSON.stringify(message)}`;
  assert.ok(input.expect.some((re) => re.test(message)), `the message names the problem: ${where}`);
  assert.ok(!message.includes(SECRET_KEY), `the key is not in the message: ${where}`);
  assert.ok(!/\bat .*\.ts:\d+/.test(message), `no stack trace: ${where}`);
  assert.ok(!/undefined|\[object Object\]/.test(message), `a readable message: ${where}`);
}

Deno.test("1000 seeded bad configs and flags are each a UsageError naming what is wrong", async () => {
  let count = 0;
  for (let seed = 1; count < 1000; seed++) {
    const input = generate(seed, false);
    const flags: RunFlags = { ...input.flags };
    if (flags.baseUrl === "BASE_URL") flags.baseUrl = "http://127.0.0.1:9";
    let error: unknown = null;
    try {
      const settings = await resolveSettings(flags, memoryIo(input.files, input.env));
      const run = requireRunSettings(settings);
      buildPlan(run);
    } catch (e) {
      error = e;
    }
    const where = `seed ${seed} (${input.what.join(" + ")})`;
    assert.ok(error !== null, `${where} was accepted`);
    assert.ok(error instanceof UsageError, `${where} threw ${(error as Error)?.stack ?? error}`);
    checkMessage(input, `${error.message}\n${error.hint ?? ""}`, seed);
    count++;
  }
});

Deno.test("a sample of bad inputs through the CLI: exit 2, a message, no stack trace, nothing created", async () => {
  const sim = await startSimTenant({ apiKey: SECRET_KEY });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-fuzz-" });
  try {
    const cases: { seed: number; input: BadInput; args: string[]; env: Record<string, string> }[] =
      [];
    for (let seed = 9001; cases.length < 16; seed++) {
      const input = generate(seed, true);
      // Keep the sample varied: at least half of it from the CLI-only mutations.
      if (!input.cliOnly && cases.length % 2 === 0) continue;
      const path = (p: string) => `${dir}/${seed}-${p.replace(/\W/g, "_")}`;
      for (const [p, text] of Object.entries(input.files)) await Deno.writeTextFile(path(p), text);
      const f = input.flags;
      const args = ["run"];
      const file = (p: string) => p in input.files ? path(p) : p;
      if (f.config) args.push("--config", file(f.config));
      if (f.baseUrl) args.push("--base-url", f.baseUrl === "BASE_URL" ? sim.baseUrl : f.baseUrl);
      if (f.tenant !== undefined) args.push("--tenant", f.tenant);
      for (const s of f.source ?? []) args.push("--source", s);
      if (f.dataProduct !== undefined) args.push("--data-product", f.dataProduct);
      if (f.workflow !== undefined) args.push("--workflow", f.workflow);
      for (const d of f.destination ?? []) args.push("--destination", d);
      if (f.concurrency !== undefined) args.push("--concurrency", f.concurrency);
      if (f.pollInterval !== undefined) args.push("--poll-interval", f.pollInterval);
      if (f.timeout !== undefined) args.push("--timeout", f.timeout);
      if (f.requestTimeout !== undefined) args.push("--request-timeout", f.requestTimeout);
      if (f.envFile !== undefined) args.push("--env-file", f.envFile);
      if (f.output !== undefined) args.push("--output", f.output);
      if (f.resume) args.push("--resume");
      if (f.state !== undefined) args.push("--state", file(f.state));
      args.push(...(f.extra ?? []));
      if (args.some((a) => a.includes("\u0000"))) continue; // no NUL can go in an argument
      cases.push({ seed, input, args, env: childEnv({ ...input.env, XDG_STATE_HOME: dir }) });
    }
    // A few at a time: each is a short-lived process.
    const results: CliResult[] = [];
    for (let k = 0; k < cases.length; k += 4) {
      results.push(
        ...await Promise.all(cases.slice(k, k + 4).map((c) => runCli(c.args, c.env))),
      );
    }
    for (const [k, c] of cases.entries()) {
      const r = results[k]!;
      const where = `seed ${c.seed} (${c.input.what.join(" + ")}): ${r.stderr}`;
      assert.equal(r.code, 2, where);
      assert.match(r.stderr, /^error: /m, where);
      assert.ok(!/unexpected failure| {4}at /.test(r.stderr), `no crash, no stack: ${where}`);
      assert.ok(!(r.stdout + r.stderr).includes(SECRET_KEY), `the key is not printed: ${where}`);
      checkMessage(c.input, r.stderr, c.seed);
    }
    assert.ok(cases.some((c) => c.input.cliOnly), "the sample has CLI-only mutations");
    assert.deepEqual(sim.creates(), [], "no job was created");
    assert.deepEqual(sim.requests, [], "no request reached the tenant at all");
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
