/**
 * Settings resolved once, in layers of typed values: flags > environment > env file > .env >
 * config file > journal (`--resume`) > defaults; and the journal read once per run.
 */
import assert from "node:assert/strict";
import { buildPlan, type PlanInput } from "../lib/kit/run/plan.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { newJournal } from "../lib/app/journal/journal.ts";
import { openRunJournal } from "../lib/app/journal/setup.ts";
import {
  requireRunSettings,
  resolveRunSettings,
  resolveSettings,
} from "../lib/app/settings/resolve.ts";
import type { ConfigIo, RunFlags } from "../lib/app/settings/types.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS } from "../lib/kit/defaults.ts";
import type { Io } from "../lib/app/io.ts";
import { fakeIo, memoryIo } from "./_io.ts";
import { askForRun, type PromptFns } from "../tui/prompts.ts";
import { answeredSettings, defaultsFrom } from "../tui/answers.ts";

const input: PlanInput = {
  sources: ["s1", "s2"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1"],
};
const pacing = {
  concurrency: 2,
  pollIntervalMs: 5_000,
  timeoutMs: 600_000,
  requestTimeoutMs: 9_000,
};

/** A journal file's text for `input`, run on `where`. */
function journalText(where = { tenant: "acme", baseUrl: "https://acme.tamr.cloud" }): string {
  return JSON.stringify(
    newJournal(buildPlan(input), where, "2026-01-01T00:00:00Z", {}, pacing),
  );
}

/** A ConfigIo over files, counting the reads of each. */
function countingIo(files: Record<string, string>, env: Record<string, string> = {}) {
  const reads = new Map<string, number>();
  const base = memoryIo(files, env);
  const io: ConfigIo = {
    ...base,
    readTextFile: (path) => {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return base.readTextFile(path);
    },
  };
  return { io, reads };
}

Deno.test("each value comes from the first layer that gives it: flags, env, env file, .env, config file, defaults", async () => {
  const files = {
    ".env": "TAMR_TENANT=dotenv\nTAMR_API_KEY=dotenv-key\n",
    "prod.env": "TAMR_TENANT=envfile\n",
    "c.json": JSON.stringify({
      tenant: "config",
      sources: ["c1"],
      dataProduct: "dpc",
      timeout: 60,
    }),
  };
  const at = async (
    flags: RunFlags,
    env: Record<string, string>,
  ) => (await resolveSettings(
    { config: "c.json", envFile: "prod.env", ...flags },
    memoryIo(files, env),
  ));
  assert.equal((await at({ tenant: "flag" }, { TAMR_TENANT: "env" })).tenant, "flag");
  assert.equal((await at({}, { TAMR_TENANT: "env" })).tenant, "env");
  assert.equal((await at({}, {})).tenant, "envfile");
  const s = await resolveSettings({ config: "c.json" }, memoryIo(files, {}));
  assert.equal(s.tenant, "dotenv");
  assert.equal(s.apiKey, "dotenv-key");
  const noEnv = await resolveSettings(
    { config: "c.json" },
    memoryIo({ "c.json": files["c.json"] }),
  );
  assert.equal(noEnv.tenant, "config");
  assert.equal(noEnv.timeoutMs, 60_000, "a config file's bare number is seconds");
  assert.equal(noEnv.concurrency, DEFAULT_CONCURRENCY);
  assert.equal(noEnv.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS);
});

Deno.test("a bad value is checked only where it is used, and the message names where it came from", async () => {
  const io = memoryIo({ "prod.env": "TAMR_TENANT=Bad_Tenant\n" }, { TAMR_BASE_URL: "nope" });
  const s = await resolveSettings(
    { envFile: "prod.env", tenant: "acme", baseUrl: "https://acme.tamr.cloud" },
    io,
  );
  assert.equal(s.tenant, "acme", "a flag overrides a bad variable");
  await assert.rejects(
    () => resolveSettings({ envFile: "prod.env", baseUrl: "https://acme.tamr.cloud" }, io),
    /^UsageError: TAMR_TENANT in prod\.env must be a DNS label .*got "Bad_Tenant"/,
  );
  await assert.rejects(
    () => resolveSettings({ tenant: "acme" }, io),
    /^UsageError: TAMR_BASE_URL must be a URL such as https:\/\/acme\.tamr\.cloud, got "nope"/,
  );
});

Deno.test("`run --resume --state FILE` alone takes the plan, base URL, tenant and pacing from the journal", async () => {
  const { io } = countingIo({ "j.json": journalText() });
  const { settings, journal } = await resolveRunSettings(
    { resume: true, state: "j.json", timeout: "1h" },
    io,
  );
  assert.equal(journal?.path, "j.json");
  assert.deepEqual(settings.sources, ["s1", "s2"]);
  assert.equal(settings.dataProduct, "dp");
  assert.equal(settings.workflow, "wf");
  assert.deepEqual(settings.destinations, ["d1"]);
  assert.equal(settings.tenant, "acme");
  assert.equal(settings.baseUrl, "https://acme.tamr.cloud");
  assert.equal(settings.concurrency, 2);
  assert.equal(settings.pollIntervalMs, 5_000);
  assert.equal(settings.timeoutMs, 3_600_000, "a flag given again wins over the journal");
  assert.equal(settings.requestTimeoutMs, 9_000);
});

Deno.test("a journal's tenant that is no DNS label is not used: its base URL says where", async () => {
  const text = journalText({ tenant: "127.0.0.1", baseUrl: "http://127.0.0.1:8787" });
  const { settings } = await resolveRunSettings(
    { resume: true, state: "j.json" },
    memoryIo({ "j.json": text }),
  );
  assert.equal(settings.baseUrl, "http://127.0.0.1:8787");
  assert.equal(
    settings.tenant,
    "127.0.0.1",
    "the tenant is the base URL's host, as for --base-url",
  );
});

Deno.test("the journal's plan and tenant are taken whole or not at all", async () => {
  const files = { "j.json": journalText() };
  const { settings } = await resolveRunSettings(
    { resume: true, state: "j.json", source: ["s1"], dataProduct: "dp" },
    memoryIo(files),
  );
  assert.deepEqual(settings.sources, ["s1"]);
  assert.equal(settings.workflow, undefined, "no workflow from the journal under the flags' plan");
  assert.deepEqual(settings.destinations, []);
  assert.equal(settings.concurrency, 2, "the pacing is still the journal's");

  const env = await resolveRunSettings(
    { resume: true, state: "j.json" },
    memoryIo(files, { TAMR_TENANT: "other" }),
  );
  assert.equal(env.settings.tenant, "other");
  assert.equal(env.settings.baseUrl, "https://other.tamr.cloud", "not the journal's base URL");
});

Deno.test("without --resume the journal is not a layer and is not read", async () => {
  const { io, reads } = countingIo({ "j.json": journalText() });
  const { settings, journal } = await resolveRunSettings({ state: "j.json", tenant: "acme" }, io);
  assert.equal(journal, undefined);
  assert.deepEqual(settings.sources, []);
  assert.equal(settings.concurrency, DEFAULT_CONCURRENCY);
  assert.equal(reads.get("j.json"), undefined);
});

Deno.test("--resume with no journal is a UsageError naming the file", async () => {
  await assert.rejects(
    () => resolveRunSettings({ resume: true, state: "gone.json" }, memoryIo()),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, "There is no run journal to resume at gone.json");
      assert.match(e.hint ?? "", /Pass the --state file the interrupted run printed/);
      return true;
    },
  );
});

Deno.test("--resume finds the journal at the default path of the base URL and data product", async () => {
  const path = "/state/tamr-refresh/acme.tamr.cloud_443--dp.json";
  const { settings, journal } = await resolveRunSettings(
    { resume: true, tenant: "acme", source: ["s1", "s2"], dataProduct: "dp" },
    memoryIo({ [path]: journalText() }, { XDG_STATE_HOME: "/state" }),
  );
  assert.equal(journal?.path, path);
  assert.equal(settings.pollIntervalMs, 5_000);
});

Deno.test("--resume with no journal at the default path points to one at the name of 0.1", async () => {
  const older = "/state/tamr-refresh/acme--dp.json";
  await assert.rejects(
    () =>
      resolveRunSettings(
        { resume: true, tenant: "acme", source: ["s1", "s2"], dataProduct: "dp" },
        memoryIo({ [older]: journalText() }, { XDG_STATE_HOME: "/state" }),
      ),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        "There is no run journal to resume at /state/tamr-refresh/acme.tamr.cloud_443--dp.json",
      );
      assert.match(
        e.hint ?? "",
        /kept this plan's journal at \/state\/tamr-refresh\/acme--dp\.json/,
      );
      return true;
    },
  );
});

/** A whole Io over files in memory, counting the reads of each file. */
function filesIo(files: Map<string, string>, env: Record<string, string> = {}) {
  const reads = new Map<string, number>();
  const io = fakeIo(files, {
    env,
    readTextFile: (p) => {
      reads.set(p, (reads.get(p) ?? 0) + 1);
      return files.has(p) ? Promise.resolve(files.get(p)!) : Promise.reject(new Error(`no ${p}`));
    },
  });
  return { io, reads };
}

/** Resolves the settings of `run`, then opens its journal, as `runCommand()` does. */
async function resolveAndOpen(
  io: Io,
  flags: RunFlags & { state: string; resume?: boolean },
  warn: (message: string) => void = () => {},
) {
  const resolved = await resolveRunSettings(flags, io);
  const run = requireRunSettings(resolved.settings, { needKey: false });
  return await openRunJournal({
    run,
    plan: buildPlan(run),
    flags,
    io,
    warn,
  });
}

Deno.test("a resumed run reads its journal again once it holds it: another run may have changed it", async () => {
  const files = new Map([["j.json", journalText()]]);
  const { io, reads } = filesIo(files);
  const flags = { resume: true, state: "j.json" };
  const resolved = await resolveRunSettings(flags, io);
  // Another run took a step further between the settings' read and this run's hold.
  const later = JSON.parse(journalText());
  later.steps["load:s1"] = { jobId: "job_1", outcome: "succeeded" };
  files.set("j.json", JSON.stringify(later));
  const run = requireRunSettings(resolved.settings, { needKey: false });
  const warnings: string[] = [];
  const journal = await openRunJournal({
    run,
    plan: buildPlan(run),
    flags,
    io,
    warn: (m) => warnings.push(m),
  });
  assert.equal(reads.get("j.json"), 2);
  assert.deepEqual(journal.prior?.get("load:s1"), { jobId: "job_1", outcome: "succeeded" });
  assert.equal(journal.resumedSince, Date.parse("2026-01-01T00:00:00Z"));
  assert.deepEqual(warnings, []);
  await journal.finish();
});

Deno.test("--resume refuses a journal of another plan and leaves it as it was", async () => {
  const text = journalText();
  const files = new Map([["j.json", text]]);
  const { io } = filesIo(files);
  await assert.rejects(
    () =>
      resolveAndOpen(io, {
        resume: true,
        state: "j.json",
        source: ["s9"],
        dataProduct: "dp",
        tenant: "acme",
      }),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(
        e.message,
        /was written for another plan \(5 steps .*\), not this one \(2 steps/,
      );
      return true;
    },
  );
  assert.equal(files.get("j.json"), text);
});

Deno.test("a new run over an unfinished journal of its plan says so through warn(), not stderr", async () => {
  const files = new Map([["j.json", journalText()]]);
  const { io, reads } = filesIo(files);
  const warnings: string[] = [];
  const journal = await resolveAndOpen(
    { ...io, err: (text) => assert.fail(`nothing on stderr: ${text}`) },
    {
      state: "j.json",
      tenant: "acme",
      source: ["s1", "s2"],
      dataProduct: "dp",
      workflow: "wf",
      destination: ["d1"],
    },
    (m) => warnings.push(m),
  );
  assert.equal(reads.get("j.json"), 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^An earlier run of this plan did not finish \(journal j\.json\)/);
  await journal.finish();
  const written = JSON.parse(files.get("j.json")!);
  assert.equal(written.finished, false);
  assert.deepEqual(written.settings, {
    concurrency: DEFAULT_CONCURRENCY,
    pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
    timeoutMs: 7_200_000,
    requestTimeoutMs: 30_000,
  });
});

// ---------------------------------------------------------------------------------------------
// A config file saved from the prompts loads again as it was.

/** Prompts answered in order from `answers` (Enter: the default), each checked by its validator. */
function answering(answers: unknown[]): PromptFns {
  const queue = [...answers];
  // deno-lint-ignore no-explicit-any
  const ask = async (config: any) => {
    if (queue.length === 0) assert.fail(`Unexpected question: ${config.message}`);
    const next = queue.shift();
    const answer = next === ENTER ? config.default ?? "" : next;
    if (config.validate) assert.equal(await config.validate(answer), true, String(answer));
    return answer;
  };
  return { input: ask, password: ask, select: ask, checkbox: ask, confirm: ask } as PromptFns;
}
const ENTER = Symbol("enter");

const PLAN_FIELDS = ["tenant", "baseUrl", "sources", "dataProduct", "workflow", "destinations"];
const planOf = (s: object) =>
  Object.fromEntries(PLAN_FIELDS.map((k) => [k, (s as Record<string, unknown>)[k]]));

Deno.test("a config saved by the prompts loads again unchanged with run --config, with and without TAMR_BASE_URL", async () => {
  const cases: { flags: RunFlags; env: Record<string, string>; file: Record<string, unknown> }[] = [
    {
      flags: {},
      env: { TAMR_BASE_URL: "http://127.0.0.1:8080" },
      file: { baseUrl: "http://127.0.0.1:8080" },
    },
    { flags: {}, env: { TAMR_TENANT: "acme" }, file: { tenant: "acme" } },
    {
      flags: { tenant: "acme", baseUrl: "https://tamr.acme.example/" },
      env: {},
      file: { tenant: "acme", baseUrl: "https://tamr.acme.example" },
    },
  ];
  for (const { flags, env, file } of cases) {
    const settings = await resolveSettings(flags, memoryIo({}, { ...env, TAMR_API_KEY: "k" }));
    const saved = new Map<string, string>();
    const answers = await askForRun(defaultsFrom(settings), {
      prompts: answering(["s1, s2", "dp", "wf", "d1", "confirm", true, ENTER]),
      write: () => {},
      saveConfig: (path, text) => (saved.set(path, text), Promise.resolve()),
    }, { offerSave: true });
    assert.ok(answers);
    const text = saved.get("tamr-refresh.json")!;
    assert.deepEqual(JSON.parse(text), {
      ...file,
      sources: ["s1", "s2"],
      dataProduct: "dp",
      workflow: "wf",
      destinations: ["d1"],
    });
    const ran = answeredSettings(settings, answers);
    // Loaded again with the same environment, and in a shell where TAMR_* are not set.
    for (const loadEnv of [{ ...env }, {}]) {
      const loaded = await resolveSettings(
        { config: "tamr-refresh.json" },
        memoryIo({ "tamr-refresh.json": text }, loadEnv),
      );
      assert.deepEqual(planOf(loaded), planOf(ran), `${JSON.stringify(env)} -> ${text}`);
    }
  }
});
