import assert from "node:assert/strict";
import { ApiError, exitCodeFor, UsageError } from "../lib/kit/errors.ts";
import type { Job } from "../lib/kit/api/types.ts";
import {
  ANOTHER,
  type AskDeps,
  askForInit,
  askForRun,
  type Connection,
  inquirerPrompts,
  NONE,
  parseIds,
  parsePlace,
  planText,
  type PromptFns,
  type RunAnswers,
  validatePlace,
  validateTenant,
} from "../tui/prompts.ts";
import { describeSeenId, formatAgo, recentIds } from "../tui/recent_ids.ts";
import { configFileText } from "../tui/save_config.ts";

// ---------------------------------------------------------------------------------------------
// A scripted PromptFns: answers from a queue, records every question, and fails the test when a
// question is asked that the script did not expect (wrong kind, wrong message, or none left).

type Kind = "input" | "password" | "select" | "checkbox" | "confirm";
// deno-lint-ignore no-explicit-any
type Config = any;
interface Expected {
  kind: Kind;
  message: RegExp;
  /** The answer, or a function of the question's config (to pick a choice or press enter). */
  answer: unknown;
}
interface Asked {
  kind: Kind;
  message: string;
  config: Config;
}

/** Answers with the prompt's default, as pressing enter does (an empty text without one). */
const ENTER = (c: Config) => c.default ?? (c.choices ? undefined : "");

function scripted(script: Expected[]) {
  const queue = [...script];
  const asked: Asked[] = [];
  const ask = (kind: Kind) => async (config: Config) => {
    asked.push({ kind, message: config.message, config });
    const next = queue.shift();
    if (!next) assert.fail(`Unexpected ${kind} question: ${JSON.stringify(config.message)}`);
    assert.equal(
      kind,
      next.kind,
      `Expected a ${next.kind} question, got ${kind}: ${config.message}`,
    );
    assert.match(config.message, next.message);
    const answer = typeof next.answer === "function" ? next.answer(config) : next.answer;
    if ((kind === "input" || kind === "password") && config.validate) {
      // A real prompt does not return a value its validator refuses.
      assert.equal(await config.validate(answer), true, `The script answered ${answer}`);
    }
    return answer;
  };
  const prompts = {
    input: ask("input"),
    password: ask("password"),
    select: ask("select"),
    checkbox: ask("checkbox"),
    confirm: ask("confirm"),
  } as unknown as PromptFns;
  return {
    prompts,
    asked,
    done() {
      assert.deepEqual(queue.map((q) => `${q.kind} ${q.message}`), [], "questions left unasked");
    },
  };
}

function sink() {
  const lines: string[] = [];
  return { write: (t: string) => void lines.push(t), text: () => lines.join("") };
}

const NOW = Date.parse("2025-06-01T12:00:00Z");
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

function job(id: string, configuration: unknown, minutesAgo: number, status: object = {}): Job {
  return {
    jobId: id,
    configuration,
    status: { state: "DONE", stateStartTime: ago(minutesAgo), ...status },
  } as Job;
}

/** Newest first, as GET /jobs answers. */
const RECENT: Job[] = [
  job("j1", { load: { sourceId: "crm_accounts" } }, 120),
  job("j2", { update: { dataProductId: "dp_customers" } }, 150, {
    error: { reason: "PLANNING_FAILED", message: "no" },
  }),
  job("j3", { load: { sourceId: "erp_orders" } }, 180, { state: "RUNNING" }),
  job("j4", { load: { sourceId: "crm_accounts" } }, 60 * 24 * 3),
  job("j5", { update: { workflowId: "wf_search" } }, 200),
  job("j6", { publish: { destinationId: "dest_s3", dataProductId: "dp_customers" } }, 210),
  job("j7", { somethingNew: {} }, 220),
];

const KEY = "sk-very-secret-123";
const confirmReview: Expected = { kind: "select", message: /Start the refresh/, answer: "confirm" };

// ---------------------------------------------------------------------------------------------

Deno.test("askForRun() asks nothing the flags, environment and config file already gave, having checked the tenant with one job", async () => {
  const s = scripted([confirmReview]);
  const listed: number[] = [];
  const out = sink();
  const answers = await askForRun(
    {
      tenant: "acme",
      apiKey: KEY,
      sources: ["a", "b"],
      dataProduct: "dp",
      workflow: "",
      destinations: [],
    },
    {
      prompts: s.prompts,
      write: out.write,
      listRecentJobs: (_conn, { max }) => (listed.push(max), Promise.resolve([])),
    },
  );
  s.done();
  assert.deepEqual(listed, [1], "no ids to ask: one job is enough to check the tenant and key");
  assert.deepEqual(answers, {
    tenant: "acme",
    apiKey: KEY,
    sources: ["a", "b"],
    dataProduct: "dp",
    destinations: [],
  });
  assert.match(out.text(), /load:a\n.*load:b\n.*update:dp/s);
});

Deno.test("askForRun() asks tenant, masked key, then each missing id, in order", async () => {
  const s = scripted([
    { kind: "input", message: /tenant/i, answer: "acme-prod" },
    { kind: "password", message: /API key/, answer: KEY },
    { kind: "input", message: /Source IDs/, answer: "s1, s2,s1" },
    { kind: "input", message: /Data product ID/, answer: "dp1" },
    { kind: "input", message: /workflow ID.*empty to skip/, answer: "" },
    { kind: "input", message: /Destination IDs/, answer: "" },
    confirmReview,
  ]);
  const answers = await askForRun({}, { prompts: s.prompts, write: sink().write });
  s.done();
  assert.equal(s.asked[1]!.config.mask, true);
  assert.deepEqual(answers, {
    tenant: "acme-prod",
    apiKey: KEY,
    sources: ["s1", "s2"],
    dataProduct: "dp1",
    destinations: [],
  });
});

Deno.test("the tenant prompt's validator refuses a value that is not a DNS label", async () => {
  const s = scripted([{ kind: "input", message: /tenant/i, answer: "acme-prod" }]);
  // Stop right after the tenant question: the next question is unexpected and fails the flow.
  await assert.rejects(askForRun({ apiKey: KEY }, { prompts: s.prompts }));
  const validate = s.asked[0]!.config.validate as (v: string) => true | string;
  const refusal = validate("Bad_Tenant!");
  assert.equal(typeof refusal, "string");
  assert.match(refusal as string, /DNS label/);
  assert.match(refusal as string, /Bad_Tenant!/);
  assert.equal(validate("acme-prod"), true);
  assert.notEqual(validateTenant("-acme"), true);
  assert.notEqual(validateTenant("a".repeat(64)), true);
  assert.equal(validateTenant("a".repeat(63)), true);
});

Deno.test("recentIds() lists each id once, newest first, with when and how it last ran", () => {
  const ids = recentIds(RECENT);
  assert.deepEqual(ids.sources.map((s) => s.id), ["crm_accounts", "erp_orders"]);
  assert.equal(ids.sources[0]!.jobId, "j1", "the newest job wins");
  assert.deepEqual(ids.dataProducts.map((s) => s.id), ["dp_customers"]);
  assert.deepEqual(ids.workflows.map((s) => s.id), ["wf_search"]);
  assert.deepEqual(ids.destinations.map((s) => s.id), ["dest_s3"]);
  assert.equal(describeSeenId(ids.sources[0]!, NOW), "crm_accounts  (last run 2h ago, succeeded)");
  assert.equal(describeSeenId(ids.sources[1]!, NOW), "erp_orders  (last run 3h ago, running)");
  assert.equal(
    describeSeenId(ids.dataProducts[0]!, NOW),
    "dp_customers  (last run 2h ago, failed: PLANNING_FAILED)",
  );
});

Deno.test("recentIds() falls back to the first status-history time and skips odd jobs", () => {
  const ids = recentIds([
    {
      jobId: "j1",
      configuration: { load: { sourceId: "s" } },
      status: { state: "PENDING" },
      statusHistory: [{ state: "PENDING", stateStartTime: ago(5) }],
    },
    { jobId: "j2", configuration: null, status: { state: "DONE" } } as unknown as Job,
    { jobId: "j3", configuration: { load: { sourceId: 42 } }, status: {} } as unknown as Job,
  ]);
  assert.deepEqual(ids.sources.map((s) => describeSeenId(s, NOW)), [
    "s  (last run 5m ago, running)",
  ]);
  assert.equal(formatAgo(-1000), "just now");
  assert.equal(formatAgo(3 * 86_400_000), "3d ago");
});

Deno.test("askForRun() offers the ids of recent jobs as choices beside typing new ones", async () => {
  const s = scripted([
    { kind: "password", message: /API key/, answer: KEY },
    // tick crm_accounts, then type others
    { kind: "checkbox", message: /Sources/, answer: ["crm_accounts"] },
    { kind: "input", message: /Other source IDs/, answer: "new_src, crm_accounts" },
    { kind: "select", message: /Data product/, answer: "dp_customers" },
    { kind: "select", message: /workflow/, answer: NONE },
    { kind: "checkbox", message: /Destinations/, answer: ["dest_s3"] },
    { kind: "input", message: /Other destination IDs/, answer: "" },
    confirmReview,
  ]);
  const calls: [Connection, number][] = [];
  const answers = await askForRun({ tenant: "acme" }, {
    prompts: s.prompts,
    write: sink().write,
    now: () => NOW,
    listRecentJobs: (conn, { max }) => (calls.push([conn, max]), Promise.resolve(RECENT)),
  });
  s.done();
  assert.deepEqual(calls, [[
    { tenant: "acme", baseUrl: "https://acme.tamr.cloud", apiKey: KEY },
    100,
  ]]);
  const sourceChoices = s.asked[1]!.config.choices;
  assert.deepEqual(sourceChoices.map((c: Config) => c.value), ["crm_accounts", "erp_orders"]);
  assert.equal(sourceChoices[0].name, "crm_accounts  (last run 2h ago, succeeded)");
  const workflowChoices = s.asked[4]!.config.choices.map((c: Config) => c.value);
  assert.deepEqual(workflowChoices, ["wf_search", ANOTHER, NONE]);
  assert.deepEqual(answers, {
    tenant: "acme",
    apiKey: KEY,
    sources: ["crm_accounts", "new_src"],
    dataProduct: "dp_customers",
    destinations: ["dest_s3"],
  });
});

Deno.test("askForRun() says a refused key was refused and asks for it again", async () => {
  const s = scripted([
    { kind: "password", message: /API key/, answer: "second-key" },
    { kind: "checkbox", message: /Sources/, answer: ["crm_accounts"] },
    { kind: "input", message: /Other source IDs/, answer: "" },
    { kind: "select", message: /Data product/, answer: "dp_customers" },
    confirmReview,
  ]);
  const out = sink();
  const tried: string[] = [];
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, workflow: "", destinations: [] },
    {
      prompts: s.prompts,
      write: out.write,
      now: () => NOW,
      listRecentJobs: (conn) => {
        tried.push(conn.apiKey);
        if (conn.apiKey === KEY) {
          return Promise.reject(
            new ApiError({
              status: 401,
              method: "GET",
              path: "/api/v1beta1/jobs",
              tamrMessage: "Bad key",
            }),
          );
        }
        return Promise.resolve(RECENT);
      },
    },
  );
  s.done();
  assert.deepEqual(tried, [KEY, "second-key"]);
  assert.equal(answers?.apiKey, "second-key");
  assert.match(out.text(), /Tamr refused that API key for tenant acme \(HTTP 401: Bad key\)/);
  assert.ok(!out.text().includes(KEY) && !out.text().includes("second-key"));
});

Deno.test("askForRun() gives up with a UsageError after the key is refused three more times", async () => {
  const s = scripted([
    { kind: "password", message: /API key/, answer: "k1" },
    { kind: "password", message: /API key/, answer: "k2" },
    { kind: "password", message: /API key/, answer: "k3" },
  ]);
  let calls = 0;
  const error = await askForRun({ tenant: "acme", apiKey: KEY }, {
    prompts: s.prompts,
    write: sink().write,
    listRecentJobs: () => {
      calls++;
      return Promise.reject(
        new ApiError({ status: 403, method: "GET", path: "/api/v1beta1/jobs" }),
      );
    },
  }).then(() => assert.fail("expected a UsageError"), (e: unknown) => e);
  s.done();
  assert.equal(calls, 4);
  assert.ok(error instanceof UsageError);
  assert.match(error.message, /refused the API key for tenant acme 4 times \(HTTP 403\)/);
  for (const k of [KEY, "k1", "k2", "k3"]) assert.ok(!error.message.includes(k));
});

Deno.test("askForRun() stops before any ID question when the base URL cannot be reached, naming --base-url", async () => {
  const s = scripted([{ kind: "password", message: /API key/, answer: KEY }]);
  const out = sink();
  const error = await askForRun({ baseUrl: "http://127.0.0.1:9" }, {
    prompts: s.prompts,
    write: out.write,
    listRecentJobs: () =>
      Promise.reject(
        new ApiError({
          status: null,
          method: "GET",
          path: "/api/v1beta1/jobs",
          detail: `Connection refused, key ${KEY}`,
          attempts: 2,
        }),
      ),
  }).then(() => assert.fail("expected an ApiError"), (e: unknown) => e);
  s.done(); // no source, data product or review question was asked
  assert.ok(error instanceof ApiError);
  assert.equal(exitCodeFor(error), 4);
  assert.equal(
    error.message,
    "Cannot reach http://127.0.0.1:9 (check --base-url or TAMR_BASE_URL): GET /api/v1beta1/jobs " +
      "got no answer: Connection refused, key ***.",
  );
  assert.equal(out.text(), "", "one sentence, in the error alone");
});

Deno.test("askForRun() stops at a tenant that cannot be used, naming the tenant and Tamr's answer", async () => {
  const s = scripted([]);
  const error = await askForRun({ tenant: "acme", apiKey: KEY }, {
    prompts: s.prompts,
    write: sink().write,
    listRecentJobs: () =>
      Promise.reject(
        new ApiError({
          status: 404,
          method: "GET",
          path: "/api/v1beta1/jobs",
          tamrMessage: "No such route",
        }),
      ),
  }).then(() => assert.fail("expected an ApiError"), (e: unknown) => e);
  s.done();
  assert.ok(error instanceof ApiError);
  assert.equal(exitCodeFor(error), 4);
  assert.equal(
    error.message,
    "Cannot use tenant acme at https://acme.tamr.cloud (check the tenant name, or give " +
      "--base-url or TAMR_BASE_URL): GET /api/v1beta1/jobs was answered 404: No such route.",
  );
});

Deno.test("askForRun() warns and falls back to typed ids when the jobs listed cannot be read", async () => {
  const s = scripted([
    { kind: "input", message: /Source IDs/, answer: "s1" },
    { kind: "input", message: /Data product ID/, answer: "dp" },
    confirmReview,
  ]);
  const out = sink();
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, workflow: "", destinations: [] },
    {
      prompts: s.prompts,
      write: out.write,
      listRecentJobs: () => Promise.reject(new TypeError("jobs is not iterable")),
    },
  );
  s.done();
  assert.deepEqual(answers?.sources, ["s1"]);
  assert.match(
    out.text(),
    /Could not list recent jobs to suggest IDs \(jobs is not iterable\); type the IDs instead/,
  );
});

Deno.test("askForRun() returns null when the plan is cancelled at the review", async () => {
  const s = scripted([{ kind: "select", message: /Start the refresh/, answer: "cancel" }]);
  const answers = await askForRun(
    {
      tenant: "acme",
      apiKey: KEY,
      sources: ["s"],
      dataProduct: "dp",
      workflow: "",
      destinations: [],
    },
    { prompts: s.prompts, write: sink().write, saveConfig: () => assert.fail("nothing to save") },
    { offerSave: true },
  );
  s.done();
  assert.equal(answers, null);
});

Deno.test("Edit at the review asks again with the current answers as defaults, then reviews again", async () => {
  const s = scripted([
    { kind: "select", message: /Start the refresh/, answer: "edit" },
    { kind: "input", message: /tenant/i, answer: ENTER },
    { kind: "input", message: /Source IDs/, answer: "s1, s3" },
    { kind: "input", message: /Data product ID/, answer: ENTER },
    { kind: "input", message: /workflow ID/, answer: ENTER },
    { kind: "input", message: /Destination IDs/, answer: ENTER },
    { kind: "select", message: /Start the refresh/, answer: "edit" },
    { kind: "input", message: /tenant/i, answer: "acme-dev" },
    { kind: "input", message: /Source IDs/, answer: ENTER },
    { kind: "input", message: /Data product ID/, answer: ENTER },
    { kind: "input", message: /workflow ID/, answer: "" },
    { kind: "input", message: /Destination IDs/, answer: ENTER },
    confirmReview,
  ]);
  const out = sink();
  const answers = await askForRun(
    {
      tenant: "acme",
      baseUrl: "http://127.0.0.1:8080",
      apiKey: KEY,
      sources: ["s1", "s2"],
      dataProduct: "dp",
      workflow: "wf",
      destinations: ["d1", "d2"],
    },
    { prompts: s.prompts, write: out.write },
  );
  s.done();
  const defaults = s.asked.slice(1, 6).map((a) => a.config.default);
  assert.deepEqual(defaults, ["acme", "s1, s2", "dp", "wf", "d1, d2"]);
  assert.equal(s.asked[8]!.config.default, "s1, s3", "the second edit starts from the first one");
  assert.equal((out.text().match(/^Plan$/gm) ?? []).length, 3);
  assert.match(out.text(), /tenant {4}acme\n {2}base URL {2}http:\/\/127\.0\.0\.1:8080\n/);
  // A tenant typed anew is where the run goes: its own base URL, not the one it replaced.
  assert.match(out.text(), /tenant {4}acme-dev\n {2}base URL {2}https:\/\/acme-dev\.tamr\.cloud\n/);
  assert.deepEqual(answers, {
    tenant: "acme-dev",
    apiKey: KEY,
    sources: ["s1", "s3"],
    dataProduct: "dp",
    destinations: ["d1", "d2"],
  });
});

Deno.test("Edit keeps ids typed earlier as checked choices beside the recent ones", async () => {
  const s = scripted([
    { kind: "select", message: /Start the refresh/, answer: "edit" },
    { kind: "input", message: /tenant/i, answer: ENTER },
    { kind: "checkbox", message: /Sources/, answer: ["typed_src"] },
    { kind: "input", message: /Other source IDs/, answer: "" },
    { kind: "select", message: /Data product/, answer: ENTER },
    { kind: "select", message: /workflow/, answer: ENTER },
    { kind: "checkbox", message: /Destinations/, answer: [] },
    { kind: "input", message: /Other destination IDs/, answer: "" },
    confirmReview,
  ]);
  await askForRun(
    {
      tenant: "acme",
      apiKey: KEY,
      sources: ["typed_src", "erp_orders"],
      dataProduct: "dp_x",
      workflow: "",
      destinations: [],
    },
    {
      prompts: s.prompts,
      write: sink().write,
      now: () => NOW,
      listRecentJobs: () => Promise.resolve(RECENT),
    },
  ).then((a) => assert.deepEqual(a?.destinations, []));
  s.done();
  const sources = s.asked[2]!.config.choices as Config[];
  assert.deepEqual(
    sources.map((c) => [c.value, c.checked ?? false]),
    [["typed_src", true], ["crm_accounts", false], ["erp_orders", true]],
  );
  assert.equal(s.asked[4]!.config.default, "dp_x");
  assert.equal(s.asked[4]!.config.choices[0].value, "dp_x");
  assert.equal(s.asked[5]!.config.default, NONE);
});

Deno.test("planText() shows tenant, base URL and every step id in order", () => {
  const text = planText({
    tenant: "acme",
    apiKey: KEY,
    sources: ["a", "b"],
    dataProduct: "dp",
    workflow: "wf",
    destinations: ["d"],
  });
  assert.match(text, /tenant {4}acme\n/);
  assert.match(text, /base URL {2}https:\/\/acme\.tamr\.cloud\n/);
  const ids = [...text.matchAll(/^ {4}\d+\. (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(ids, ["load:a", "load:b", "update:dp", "index:wf", "publish:d"]);
  assert.ok(!text.includes(KEY));
});

const FULL: RunAnswers = {
  tenant: "acme",
  baseUrl: "https://acme.example.com",
  apiKey: KEY,
  sources: ["s1", "s2"],
  dataProduct: "dp",
  workflow: "wf",
  destinations: ["d1"],
};

Deno.test("configFileText() writes the answers but never the API key", () => {
  const text = configFileText(FULL);
  assert.ok(!text.includes(KEY));
  assert.ok(text.endsWith("}\n"));
  assert.match(text, /\n {2}"tenant": "acme",\n/, "pretty-printed");
  assert.deepEqual(JSON.parse(text), {
    tenant: "acme",
    baseUrl: "https://acme.example.com",
    sources: ["s1", "s2"],
    dataProduct: "dp",
    workflow: "wf",
    destinations: ["d1"],
  });
  const { baseUrl: _b, workflow: _w, ...bare } = FULL;
  assert.deepEqual(Object.keys(JSON.parse(configFileText(bare))), [
    "tenant",
    "sources",
    "dataProduct",
    "destinations",
  ]);
});

Deno.test("askForRun() with offerSave saves the confirmed answers without the key", async () => {
  const s = scripted([
    confirmReview,
    { kind: "confirm", message: /^Save these answers to tamr-refresh\.json\?$/, answer: true },
    { kind: "input", message: /path/, answer: ENTER },
  ]);
  const saved: [string, string][] = [];
  const answers = await askForRun(FULL, {
    prompts: s.prompts,
    write: sink().write,
    saveConfig: (path, text) => (saved.push([path, text]), Promise.resolve()),
  }, { offerSave: true });
  s.done();
  assert.deepEqual(answers, FULL);
  assert.equal(saved.length, 1);
  assert.equal(saved[0]![0], "tamr-refresh.json");
  assert.ok(!saved[0]![1].includes(KEY));
  assert.deepEqual(Object.keys(JSON.parse(saved[0]![1])).sort(), [
    "baseUrl",
    "dataProduct",
    "destinations",
    "sources",
    "tenant",
    "workflow",
  ]);
});

Deno.test("askForRun() goes on with a warning when the config file cannot be saved", async () => {
  const s = scripted([
    confirmReview,
    { kind: "confirm", message: /Save these answers/, answer: true },
    { kind: "input", message: /path/, answer: "/nope/x.json" },
  ]);
  const out = sink();
  const answers = await askForRun(FULL, {
    prompts: s.prompts,
    write: out.write,
    saveConfig: () => Promise.reject(new Error("Permission denied")),
  }, { offerSave: true });
  s.done();
  assert.deepEqual(answers, FULL);
  assert.match(out.text(), /Could not save the config file \/nope\/x\.json: Permission denied/);
});

Deno.test("askForInit() asks every value, reviews once and saves at the given path; the key may be skipped", async () => {
  const s = scripted([
    { kind: "input", message: /tenant/i, answer: "acme" },
    { kind: "password", message: /never saved/, answer: "" },
    { kind: "input", message: /Source IDs/, answer: "s1" },
    { kind: "input", message: /Data product ID/, answer: "dp" },
    { kind: "input", message: /workflow ID/, answer: "" },
    { kind: "input", message: /Destination IDs/, answer: "d1, d2" },
    { kind: "select", message: /^Save this plan to conf\/tr\.json\?$/, answer: "confirm" },
  ]);
  const saved: string[] = [];
  const out = sink();
  const result = await askForInit({}, {
    prompts: s.prompts,
    write: out.write,
    listRecentJobs: () => assert.fail("an empty key lists nothing"),
    saveConfig: (path, text) => (saved.push(path, text), Promise.resolve()),
    usage: { command: "tamr-refresh", keySet: false },
  }, { path: "conf/tr.json" });
  s.done();
  assert.deepEqual(result, {
    answers: { tenant: "acme", sources: ["s1"], dataProduct: "dp", destinations: ["d1", "d2"] },
    savedTo: "conf/tr.json",
  });
  assert.deepEqual(JSON.parse(saved[1]!), result?.answers);
  assert.equal(
    out.text().slice(out.text().indexOf("Saved")),
    "Saved conf/tr.json (without the API key).\n" +
      "Run it with: tamr-refresh run --config conf/tr.json\n" +
      "Set TAMR_API_KEY first (in the environment or a .env file).\n",
  );
});

Deno.test("askForInit() over an existing file starts from its values, asks once to overwrite, keeps its other fields", async () => {
  const s = scripted([
    { kind: "input", message: /tenant/i, answer: ENTER },
    { kind: "input", message: /Source IDs/, answer: ENTER },
    { kind: "input", message: /Data product ID/, answer: "dp2" },
    { kind: "input", message: /workflow ID/, answer: ENTER },
    { kind: "input", message: /Destination IDs/, answer: ENTER },
    { kind: "select", message: /^Overwrite tamr-refresh\.json with this plan\?$/, answer: ENTER },
  ]);
  const saved: string[] = [];
  const out = sink();
  await askForInit(
    { baseUrl: "http://127.0.0.1:8080", sources: ["s1", "s2"], dataProduct: "dp", workflow: "wf" },
    {
      prompts: s.prompts,
      write: out.write,
      saveConfig: (path, text) => (saved.push(path, text), Promise.resolve()),
      usage: { command: "tamr-refresh", keySet: true },
    },
    {
      path: "tamr-refresh.json",
      exists: true,
      keep: { concurrency: 2, timeout: "1h", tenant: "x" },
    },
  );
  s.done();
  assert.deepEqual(s.asked.map((a) => a.config.default), [
    "http://127.0.0.1:8080",
    "s1, s2",
    "dp",
    "wf",
    undefined,
    "confirm",
  ]);
  assert.equal(s.asked[5]!.config.choices[0].name, "Overwrite");
  assert.equal(saved[0], "tamr-refresh.json");
  assert.deepEqual(JSON.parse(saved[1]!), {
    baseUrl: "http://127.0.0.1:8080",
    sources: ["s1", "s2"],
    dataProduct: "dp2",
    workflow: "wf",
    destinations: [],
    concurrency: 2,
    timeout: "1h",
  });
  assert.match(
    out.text(),
    /^Run it with: tamr-refresh run --config tamr-refresh\.json \(in this directory, `tamr-refresh` alone uses it too\)$/m,
  );
  assert.doesNotMatch(out.text(), /TAMR_API_KEY/, "the key is set: nothing more to do");
});

Deno.test("askForInit() fails when the config file cannot be written", async () => {
  const s = scripted([
    { kind: "input", message: /tenant/i, answer: ENTER },
    { kind: "input", message: /Source IDs/, answer: ENTER },
    { kind: "input", message: /Data product ID/, answer: ENTER },
    { kind: "input", message: /workflow ID/, answer: ENTER },
    { kind: "input", message: /Destination IDs/, answer: ENTER },
    { kind: "select", message: /Save this plan/, answer: "confirm" },
  ]);
  await assert.rejects(
    askForInit(FULL, {
      prompts: s.prompts,
      write: sink().write,
      saveConfig: () => Promise.reject(new Error("Read-only file system")),
    }),
    UsageError,
    "Could not save the config file tamr-refresh.json: Read-only file system",
  );
  s.done();
});

Deno.test("Ctrl-C in a prompt propagates the prompt's ExitPromptError", async () => {
  class ExitPromptError extends Error {
    override name = "ExitPromptError";
  }
  const deps: AskDeps = {
    prompts: {
      ...scripted([]).prompts,
      input: () => Promise.reject(new ExitPromptError("User force closed the prompt with SIGINT")),
    },
    write: sink().write,
  };
  await assert.rejects(askForRun({}, deps), ExitPromptError);
});

Deno.test("parseIds() splits at commas, trims, drops empties and repeats, as --source does", () => {
  assert.deepEqual(parseIds(" a, b,,c,a\n"), ["a", "b", "c"]);
  assert.deepEqual(parseIds("a b"), ["a b"], "a space is no separator: the validator refuses it");
  assert.deepEqual(parseIds("  , "), []);
});

Deno.test("inquirerPrompts are the real @inquirer/prompts functions", () => {
  for (const fn of Object.values(inquirerPrompts)) assert.equal(typeof fn, "function");
});

// ---------------------------------------------------------------------------------------------
// The pickers cannot trap: select all selects ids only, an empty answer is accepted where the
// question is optional, and goes back to the list (saying what is needed) where it is not.

/** What inquirer's checkbox answers when "a" (select all) is pressed, then Enter. */
const SELECT_ALL = (c: Config) => c.choices.map((choice: Config) => choice.value);

Deno.test("select all in the source picker selects the ids only; Enter then adds none", async () => {
  const s = scripted([
    { kind: "checkbox", message: /Sources/, answer: SELECT_ALL },
    { kind: "input", message: /Other source IDs.*Enter for none/, answer: "" },
    { kind: "select", message: /Data product/, answer: "dp_customers" },
    confirmReview,
  ]);
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, workflow: "", destinations: [] },
    {
      prompts: s.prompts,
      write: sink().write,
      now: () => NOW,
      listRecentJobs: () => Promise.resolve(RECENT),
    },
  );
  s.done();
  for (const choice of s.asked[0]!.config.choices) assert.equal(typeof choice.value, "string");
  assert.deepEqual(answers?.sources, ["crm_accounts", "erp_orders"]);
});

Deno.test("a source picker left empty comes back saying one is needed, instead of refusing Enter", async () => {
  const s = scripted([
    { kind: "checkbox", message: /^Sources to refresh first$/, answer: [] },
    { kind: "input", message: /Other source IDs/, answer: "" },
    { kind: "checkbox", message: /Sources to refresh first: at least one is needed/, answer: [] },
    { kind: "input", message: /Other source IDs/, answer: "typed_src" },
    { kind: "select", message: /Data product/, answer: "dp_customers" },
    confirmReview,
  ]);
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, workflow: "", destinations: [] },
    {
      prompts: s.prompts,
      write: sink().write,
      now: () => NOW,
      listRecentJobs: () => Promise.resolve(RECENT),
    },
  );
  s.done();
  for (const q of s.asked.filter((a) => a.kind === "checkbox")) {
    assert.notEqual(q.config.required, true, "Enter with nothing ticked is never refused");
  }
  assert.deepEqual(answers?.sources, ["typed_src"]);
});

Deno.test("the optional destination picker accepts nothing at all", async () => {
  const s = scripted([
    { kind: "checkbox", message: /Destinations/, answer: [] },
    { kind: "input", message: /Other destination IDs/, answer: "" },
    confirmReview,
  ]);
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, sources: ["s"], dataProduct: "dp", workflow: "" },
    {
      prompts: s.prompts,
      write: sink().write,
      now: () => NOW,
      listRecentJobs: () => Promise.resolve(RECENT),
    },
  );
  s.done();
  assert.deepEqual(answers?.destinations, []);
});

Deno.test("another id… with nothing typed goes back to the list", async () => {
  const s = scripted([
    { kind: "select", message: /Data product/, answer: ANOTHER },
    { kind: "input", message: /Data product ID.*Enter to go back to the list/, answer: "" },
    { kind: "select", message: /Data product/, answer: "dp_customers" },
    confirmReview,
  ]);
  const answers = await askForRun(
    { tenant: "acme", apiKey: KEY, sources: ["s"], workflow: "", destinations: [] },
    {
      prompts: s.prompts,
      write: sink().write,
      now: () => NOW,
      listRecentJobs: () => Promise.resolve(RECENT),
    },
  );
  s.done();
  assert.equal(answers?.dataProduct, "dp_customers");
});

Deno.test("typed ids are split at commas; a space inside an id is refused with the rule", async () => {
  const s = scripted([
    { kind: "input", message: /Source IDs/, answer: "s1,s2, s3" },
    { kind: "input", message: /Data product ID/, answer: "dp" },
    { kind: "input", message: /workflow ID/, answer: "" },
    { kind: "input", message: /Destination IDs/, answer: "" },
    confirmReview,
  ]);
  const answers = await askForRun({ tenant: "acme", apiKey: KEY }, {
    prompts: s.prompts,
    write: sink().write,
  });
  s.done();
  assert.deepEqual(answers?.sources, ["s1", "s2", "s3"]);
  const validate = s.asked[0]!.config.validate as (v: string) => true | string;
  assert.equal(
    validate("s1 s2"),
    '"s1 s2" is not one ID: IDs have no spaces or control characters; separate several with commas.',
  );
  assert.match(validate(" , ") as string, /Enter at least one source ID/);
  const dp = s.asked[1]!.config.validate as (v: string) => true | string;
  assert.match(dp("a,b") as string, /Enter one data product ID, without spaces or commas/);
});

Deno.test("planText() aligns the step numbers from 10 on", () => {
  const text = planText({
    tenant: "acme",
    apiKey: KEY,
    sources: Array.from({ length: 9 }, (_, i) => `s${i + 1}`),
    dataProduct: "dp",
    destinations: ["d1"],
  });
  const rows = text.split("\n").filter((l) => /^ +\d+\. /.test(l));
  assert.equal(rows.length, 11);
  assert.equal(rows[0], "     1. load:s1");
  assert.equal(rows[9], "    10. update:dp  (after all 9 loads)");
  assert.equal(new Set(rows.map((r) => r.indexOf(". "))).size, 1, "the dots line up");
});

Deno.test("the tenant question takes a base URL too, and Edit offers it as a default it accepts", async () => {
  const s = scripted([
    { kind: "select", message: /Start the refresh/, answer: "edit" },
    { kind: "input", message: /tenant.*or its base URL/i, answer: ENTER },
    { kind: "input", message: /Source IDs/, answer: ENTER },
    { kind: "input", message: /Data product ID/, answer: ENTER },
    { kind: "input", message: /workflow ID/, answer: ENTER },
    { kind: "input", message: /Destination IDs/, answer: ENTER },
    confirmReview,
  ]);
  const start = {
    baseUrl: "http://127.0.0.1:8080",
    apiKey: KEY,
    sources: ["s1"],
    dataProduct: "dp",
    destinations: [],
  };
  const answers = await askForRun({ ...start, workflow: "" }, {
    prompts: s.prompts,
    write: sink().write,
  });
  s.done();
  // The scripted prompt checks that its validator accepts the default Enter answers with.
  assert.equal(s.asked[1]!.config.default, "http://127.0.0.1:8080");
  assert.deepEqual(answers, start, "no tenant appears: the base URL says where");
  assert.deepEqual(parsePlace("https://acme.tamr.cloud/"), { tenant: "acme" });
  assert.deepEqual(parsePlace(" acme "), { tenant: "acme" });
  assert.match(validatePlace("http://example.com") as string, /http:\/\/ only for loopback/);
});

Deno.test("a run's save asks before overwriting a file that is there, and says how to use the file", async () => {
  const s = scripted([
    confirmReview,
    { kind: "confirm", message: /Save these answers/, answer: true },
    { kind: "input", message: /path/, answer: "mine.json" },
    { kind: "confirm", message: /^mine\.json exists\. Overwrite it\?$/, answer: false },
  ]);
  const out = sink();
  await askForRun(FULL, {
    prompts: s.prompts,
    write: out.write,
    exists: (path) => Promise.resolve(path === "mine.json"),
    saveConfig: () => assert.fail("declined: nothing is written"),
  }, { offerSave: true });
  s.done();
  assert.equal(s.asked[3]!.config.default, false);
  assert.match(out.text(), /Left mine\.json as it was; the answers were not saved\./);

  const again = scripted([
    confirmReview,
    { kind: "confirm", message: /Save these answers/, answer: true },
    { kind: "input", message: /path/, answer: "my conf.json" },
  ]);
  const said = sink();
  await askForRun(FULL, {
    prompts: again.prompts,
    write: said.write,
    saveConfig: () => Promise.resolve(),
    usage: { command: "deno run -A /src/main.ts", keySet: false },
  }, { offerSave: true });
  again.done();
  assert.match(
    said.text(),
    /^Saved my conf\.json \(without the API key\)\.\nRun it with: deno run -A \/src\/main\.ts run --config 'my conf\.json'\nSet TAMR_API_KEY first/m,
  );
});
