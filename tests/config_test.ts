import assert from "node:assert/strict";
import {
  configFileNote,
  requireRunSettings,
  resolveSettings,
  type RunFlags,
  splitIds,
} from "../lib/app/settings/config.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { memoryIo } from "./_io.ts";

const base: RunFlags = { tenant: "acme", source: ["s1"], dataProduct: "dp1" };

Deno.test("resolveSettings() merges flags over environment over the config file over defaults", async () => {
  const io = memoryIo(
    {
      "c.json": JSON.stringify({
        tenant: "from-file",
        sources: ["f1", "f2"],
        dataProduct: "dpf",
        workflow: "wf",
        concurrency: 7,
        pollInterval: "10s",
      }),
    },
    { TAMR_TENANT: "from-env", TAMR_API_KEY: "k" },
  );
  const s = await resolveSettings({ config: "c.json", dataProduct: "dp-flag" }, io);
  assert.equal(s.tenant, "from-env");
  assert.equal(s.baseUrl, "https://from-env.tamr.cloud");
  assert.deepEqual(s.sources, ["f1", "f2"]);
  assert.equal(s.dataProduct, "dp-flag");
  assert.equal(s.workflow, "wf");
  assert.equal(s.concurrency, 7);
  assert.equal(s.pollIntervalMs, 10_000);
  assert.equal(s.timeoutMs, 7_200_000);
  assert.equal(s.requestTimeoutMs, 30_000);
  const flagged = await resolveSettings({ config: "c.json", tenant: "flag", concurrency: "2" }, io);
  assert.equal(flagged.tenant, "flag");
  assert.equal(flagged.concurrency, 2);
});

Deno.test("resolveSettings() reads .env and --env-file, and variables already set win", async () => {
  const io = memoryIo(
    {
      ".env": "TAMR_API_KEY=dotenv-key\nTAMR_TENANT=dotenv\n",
      "prod.env": "TAMR_TENANT=prodfile\nTAMR_BASE_URL=http://127.0.0.1:9\n",
    },
    { TAMR_TENANT: "already-set" },
  );
  const s = await resolveSettings({ envFile: "prod.env", source: ["s"], dataProduct: "d" }, io);
  assert.equal(s.tenant, "already-set");
  assert.equal(s.apiKey, "dotenv-key");
  assert.equal(s.baseUrl, "http://127.0.0.1:9");
});

Deno.test("requireRunSettings() names the first missing value and how to give it", async () => {
  const cases: [RunFlags, Record<string, string>, RegExp][] = [
    [{ source: ["s"], dataProduct: "d" }, { TAMR_API_KEY: "k" }, /No tenant given/],
    [{ ...base }, {}, /TAMR_API_KEY is not set/],
    [{ tenant: "acme", dataProduct: "d" }, { TAMR_API_KEY: "k" }, /No source given/],
    [{ tenant: "acme", source: ["s"] }, { TAMR_API_KEY: "k" }, /No data product given/],
  ];
  for (const [flags, env, re] of cases) {
    const s = await resolveSettings(flags, memoryIo({}, env));
    assert.throws(() => requireRunSettings(s), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, re);
      assert.ok(err.hint && err.hint.length > 0, "a missing value comes with a hint");
      return true;
    });
  }
});

Deno.test("bad inputs are usage errors that name the field and the value", async (t) => {
  const table: { name: string; flags?: RunFlags; files?: Record<string, string>; re: RegExp }[] = [
    { name: "tenant with capitals", flags: { ...base, tenant: "Acme" }, re: /--tenant.*"Acme"/ },
    { name: "tenant with a dot", flags: { ...base, tenant: "a.b" }, re: /DNS label.*"a\.b"/ },
    { name: "tenant too long", flags: { ...base, tenant: "a".repeat(64) }, re: /DNS label/ },
    { name: "tenant ending in -", flags: { ...base, tenant: "acme-" }, re: /"acme-"/ },
    {
      name: "http base URL on a remote host",
      flags: { ...base, baseUrl: "http://acme.tamr.cloud" },
      re: /http:\/\/ only for loopback/,
    },
    { name: "base URL not a URL", flags: { ...base, baseUrl: "acme" }, re: /--base-url.*"acme"/ },
    {
      name: "base URL with credentials",
      flags: { ...base, baseUrl: "https://u:p@acme.tamr.cloud" },
      re: /must not carry credentials/,
    },
    { name: "ftp base URL", flags: { ...base, baseUrl: "ftp://x" }, re: /https:\/\// },
    { name: "concurrency 0", flags: { ...base, concurrency: "0" }, re: /--concurrency.*"0"/ },
    { name: "concurrency 51", flags: { ...base, concurrency: "51" }, re: /1 to 50/ },
    { name: "concurrency 2.5", flags: { ...base, concurrency: "2.5" }, re: /"2\.5"/ },
    { name: "concurrency word", flags: { ...base, concurrency: "many" }, re: /"many"/ },
    { name: "concurrency in hex", flags: { ...base, concurrency: "0x10" }, re: /"0x10"/ },
    {
      name: "a request timeout too long for a timer",
      flags: { ...base, requestTimeout: "1000h" },
      re: /--request-timeout must be at most 168h, got "1000h"/,
    },
    {
      name: "a poll interval over 7 days",
      flags: { ...base, pollInterval: "200h" },
      re: /at most 168h/,
    },
    {
      name: "poll interval junk",
      flags: { ...base, pollInterval: "soon" },
      re: /--poll-interval.*"soon"/,
    },
    { name: "negative timeout", flags: { ...base, timeout: "-3s" }, re: /--timeout.*"-3s"/ },
    {
      name: "zero request timeout",
      flags: { ...base, requestTimeout: "0" },
      re: /--request-timeout/,
    },
    { name: "empty source", flags: { ...base, source: [" "] }, re: /--source.*" "/ },
    { name: "id with a newline", flags: { ...base, dataProduct: "a\nb" }, re: /--data-product/ },
    {
      name: "missing config file",
      flags: { ...base, config: "nope.json" },
      re: /Cannot read config file nope\.json/,
    },
    {
      name: "missing env file",
      flags: { ...base, envFile: "nope.env" },
      re: /Cannot read env file nope\.env/,
    },
    {
      name: "config not JSON",
      flags: { config: "c.json" },
      files: { "c.json": "{tenant: acme" },
      re: /c\.json is not valid JSON/,
    },
    {
      name: "config with apiKey",
      flags: { config: "c.json" },
      files: { "c.json": '{"apiKey":"secret-in-file"}' },
      re: /"apiKey" field; the API key is never read from a file/,
    },
    {
      name: "config with an unknown field",
      flags: { config: "c.json" },
      files: { "c.json": '{"tenant":"acme","source":["x"]}' },
      re: /unknown field "source"/,
    },
    {
      name: "config with a wrong type",
      flags: { config: "c.json" },
      files: { "c.json": '{"sources":"s1"}' },
      re: /"sources" must be an array, got "s1"/,
    },
    {
      name: "config concurrency as a string",
      flags: { config: "c.json" },
      files: { "c.json": '{"concurrency":"4"}' },
      re: /"concurrency" must be a number/,
    },
    {
      name: "config with a bad tenant",
      flags: { config: "c.json", source: ["s"], dataProduct: "d" },
      files: { "c.json": '{"tenant":"ACME"}' },
      re: /"tenant" in c\.json/,
    },
    {
      name: "config top level an array",
      flags: { config: "c.json" },
      files: { "c.json": "[]" },
      re: /c\.json/,
    },
  ];
  for (const row of table) {
    await t.step(row.name, async () => {
      await assert.rejects(
        () => resolveSettings(row.flags ?? {}, memoryIo(row.files ?? {}, { TAMR_API_KEY: "k" })),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
          assert.match(e.message, row.re);
          assert.ok(!e.message.includes("secret-in-file"), "the file's key is not repeated");
          return true;
        },
      );
    });
  }
});

Deno.test("durations accept ms, s, m, h and bare seconds", async () => {
  const io = memoryIo({}, {});
  const pairs: [string, number][] = [
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    [
      "2h",
      7_200_000,
    ],
    ["45", 45_000],
    ["1.5s", 1_500],
  ];
  for (const [text, ms] of pairs) {
    const s = await resolveSettings({ ...base, pollInterval: text }, io);
    assert.equal(s.pollIntervalMs, ms, text);
  }
});

Deno.test("http:// is allowed for loopback hosts and the trailing slash is dropped", async () => {
  const io = memoryIo({}, {});
  for (const url of ["http://127.0.0.1:8080/", "http://localhost:1", "http://[::1]:2"]) {
    const s = await resolveSettings({ ...base, baseUrl: url }, io);
    assert.ok(s.baseUrl?.startsWith("http://"), url);
    assert.ok(!s.baseUrl?.endsWith("/"), url);
  }
});

Deno.test("config.example.json has every config field and is valid", async () => {
  const text = await Deno.readTextFile(new URL("../config.example.json", import.meta.url));
  const { CONFIG_FIELDS } = await import("../lib/app/settings/config.ts");
  assert.deepEqual(Object.keys(JSON.parse(text)).sort(), [...CONFIG_FIELDS].sort());
  const s = await resolveSettings({ config: "c.json" }, memoryIo({ "c.json": text }, {}));
  assert.equal(s.tenant, "acme");
  assert.equal(s.destinations.length, 2);
});

Deno.test("--source s1,s2, --destination and config arrays split at commas by one rule", async () => {
  const flags = await resolveSettings(
    { tenant: "acme", source: ["s1,s2", " s3 ,s1,"], dataProduct: "dp", destination: ["d1, d2"] },
    memoryIo(),
  );
  assert.deepEqual(flags.sources, ["s1", "s2", "s3"]);
  assert.deepEqual(flags.destinations, ["d1", "d2"]);
  const file = await resolveSettings(
    { config: "c.json" },
    memoryIo({
      "c.json": JSON.stringify({ tenant: "acme", sources: ["a,b", "c"], destinations: ["x,y"] }),
    }),
  );
  assert.deepEqual(file.sources, ["a", "b", "c"]);
  assert.deepEqual(file.destinations, ["x", "y"]);
  assert.deepEqual(splitIds(" a, b,,c,a "), ["a", "b", "c"], "the prompts' rule is the same");
});

Deno.test("ids never hold commas or spaces: a single id or an empty list is refused, naming it", async () => {
  const table: [RunFlags, Record<string, string>, RegExp][] = [
    [
      { ...base, dataProduct: "dp1,dp2" },
      {},
      /^--data-product must be a non-empty id without spaces, commas or control characters, got "dp1,dp2"$/,
    ],
    [{ ...base, workflow: "w 1" }, {}, /^--workflow must be .*got "w 1"$/],
    [{ ...base, source: ["s1 s2"] }, {}, /^--source must be .*got "s1 s2"$/],
    [{ ...base, source: [","] }, {}, /^--source must be a non-empty id .*got ","$/],
    [{ ...base, destination: ["d1,,d 2"] }, {}, /^--destination must be .*got "d 2"$/],
    [
      { config: "c.json" },
      { "c.json": '{"tenant":"acme","sources":["s1,"," "],"dataProduct":"d"}' },
      /^--source \(or "sources" in c\.json\) must be a non-empty id .*got " "$/,
    ],
  ];
  for (const [flags, files, re] of table) {
    await assert.rejects(() => resolveSettings(flags, memoryIo(files)), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, re);
      return true;
    });
  }
});

Deno.test("./tamr-refresh.json is the config file when no --config is given, and the run says so", async () => {
  const files = {
    "tamr-refresh.json": JSON.stringify({ tenant: "acme", sources: ["s1"], dataProduct: "dp" }),
    "other.json": JSON.stringify({ tenant: "other", sources: ["o1"], dataProduct: "dpo" }),
  };
  const found = await resolveSettings({}, memoryIo(files, { TAMR_API_KEY: "k" }));
  assert.equal(found.configFile, "tamr-refresh.json");
  assert.equal(found.configFileFound, true);
  assert.deepEqual(requireRunSettings(found).sources, ["s1"]);
  assert.equal(
    configFileNote(found),
    "Using tamr-refresh.json from the working directory (--config FILE to use another).",
  );
  // It is the config file layer: flags and the environment still win over it.
  const over = await resolveSettings({ source: ["f1"] }, memoryIo(files, { TAMR_TENANT: "env" }));
  assert.equal(over.tenant, "env");
  assert.deepEqual(over.sources, ["f1"]);

  const given = await resolveSettings({ config: "other.json" }, memoryIo(files));
  assert.equal(given.tenant, "other");
  assert.equal(given.configFileFound, undefined);
  assert.equal(configFileNote(given), undefined, "a file given with --config needs no note");

  const none = await resolveSettings({}, memoryIo({ "other.json": files["other.json"] }));
  assert.equal(none.configFile, undefined);
  const notLooked = await resolveSettings({}, memoryIo(files), { findConfigFile: false });
  assert.equal(notLooked.configFile, undefined);
  assert.equal(notLooked.tenant, undefined);
});
