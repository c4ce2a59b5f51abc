/**
 * The list filter: built and rendered by the kit (pure), and read by the simulated tenant, which
 * must let through exactly the jobs each rendered filter describes.
 */
import assert from "node:assert/strict";
import {
  allOf,
  anyOf,
  configurationFilter,
  createdSince,
  fieldIs,
  type JobFilter,
  not,
  quoteFilterString,
  renderFilter,
  stateIs,
} from "../lib/kit/api/job_filter.ts";
import type { JobConfiguration } from "../lib/kit/api/types.ts";
import { FilterError, type JobFacts, parseFilter } from "../lib/sim/_filter.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

Deno.test("configurationFilter() names each documented field of each configuration kind", () => {
  const cases: [JobConfiguration, string][] = [
    [{ load: { sourceId: "s1" } }, 'configuration.load.source_id = "s1"'],
    [{ update: { dataProductId: "dp" } }, 'configuration.update.data_product_id = "dp"'],
    [{ update: { workflowId: "wf" } }, 'configuration.update.workflow_id = "wf"'],
    [
      { publish: { destinationId: "d1", dataProductId: "dp" } },
      'configuration.publish.destination_id = "d1" AND configuration.publish.data_product_id = "dp"',
    ],
  ];
  for (const [configuration, text] of cases) {
    assert.equal(renderFilter(configurationFilter(configuration)), text);
  }
});

Deno.test("configurationFilter() leaves out fields it cannot filter on, and falls back to the kind", () => {
  const odd = { load: { sourceId: "s1", mode: "FULL" } } as unknown as JobConfiguration;
  assert.equal(renderFilter(configurationFilter(odd)), 'configuration.load.source_id = "s1"');
  const unknownField = { update: { planId: "p" } } as unknown as JobConfiguration;
  assert.equal(renderFilter(configurationFilter(unknownField)), "configuration:update");
  assert.throws(
    () => configurationFilter({ refresh: {} } as unknown as JobConfiguration),
    /unknown configuration/,
  );
});

Deno.test('renderFilter() quotes strings with " and \\ escaped', () => {
  assert.equal(quoteFilterString("plain"), '"plain"');
  assert.equal(quoteFilterString('say "hi"'), '"say \\"hi\\""');
  assert.equal(quoteFilterString("C:\\dir\\"), '"C:\\\\dir\\\\"');
  assert.equal(
    renderFilter(fieldIs("configuration.load.source_id", 'a"b\\c')),
    'configuration.load.source_id = "a\\"b\\\\c"',
  );
});

Deno.test("renderFilter() writes states bare, times as RFC 3339 rounded to let through what was asked", () => {
  assert.equal(renderFilter(stateIs("DONE", "!=")), "status.state != DONE");
  assert.equal(renderFilter(stateIs("RUNNING")), "status.state = RUNNING");
  assert.throws(() => renderFilter(stateIs("done; DROP")), /UPPER_SNAKE_CASE/);
  const at = T0 + 1_500; // 12:00:01.500
  assert.equal(renderFilter(createdSince(at)), 'create_time() >= "2026-01-01T12:00:01Z"');
  assert.equal(
    renderFilter({ time: "stop_time", op: "<", at }),
    'stop_time() < "2026-01-01T12:00:02Z"',
  );
  assert.equal(
    renderFilter({ time: "start_time", op: "=", at }),
    'start_time() = "2026-01-01T12:00:01.500Z"',
  );
  assert.throws(() => renderFilter(createdSince(NaN)), /finite/);
});

Deno.test("renderFilter() puts every compound part in parentheses, so AND and OR never depend on precedence", () => {
  const f = allOf(
    anyOf(fieldIs("job_id", "a"), fieldIs("job_id", "b")),
    not(allOf(stateIs("DONE"), { has: "status:error" })),
    allOf(createdSince(T0)),
  );
  assert.equal(
    renderFilter(f),
    '(job_id = "a" OR job_id = "b") AND (NOT (status.state = DONE AND status:error)) AND ' +
      'create_time() >= "2026-01-01T12:00:00Z"',
  );
  assert.equal(renderFilter(not({ has: "configuration:load" })), "NOT configuration:load");
  assert.throws(() => renderFilter(allOf()), /at least one part/);
});

// ---- the simulated tenant reads them -------------------------------------------------------

function job(over: Partial<JobFacts>): JobFacts {
  return {
    jobId: "job_1",
    configuration: { load: { sourceId: "s1" } },
    state: "RUNNING",
    hasError: false,
    createTime: T0,
    startTime: T0 + 60_000,
    cancelTime: undefined,
    stopTime: undefined,
    ...over,
  };
}

const JOBS: JobFacts[] = [
  job({ jobId: "a" }),
  job({ jobId: "b", configuration: { load: { sourceId: 'we"ird\\id' } }, state: "PENDING" }),
  job({
    jobId: "c",
    configuration: { update: { dataProductId: "dp" } },
    state: "DONE",
    hasError: true,
    createTime: T0 - 3_600_000,
    stopTime: T0 - 1_800_000,
  }),
  job({ jobId: "d", configuration: { update: { workflowId: "wf" } }, createTime: T0 + 5_000 }),
  job({
    jobId: "e",
    configuration: { publish: { destinationId: "d1", dataProductId: "dp" } },
    state: "DONE",
    createTime: T0 + 10_000,
    cancelTime: T0 + 20_000,
    stopTime: T0 + 30_000,
  }),
];

const letThrough = (filter: JobFilter | string) => {
  const predicate = parseFilter(typeof filter === "string" ? filter : renderFilter(filter));
  return JOBS.filter(predicate).map((j) => j.jobId);
};

Deno.test("the simulated tenant lets through exactly the jobs each built filter describes", () => {
  assert.deepEqual(letThrough(configurationFilter({ load: { sourceId: "s1" } })), ["a"]);
  assert.deepEqual(letThrough(configurationFilter({ load: { sourceId: 'we"ird\\id' } })), ["b"]);
  assert.deepEqual(letThrough(configurationFilter({ update: { dataProductId: "dp" } })), ["c"]);
  assert.deepEqual(letThrough(configurationFilter({ update: { workflowId: "wf" } })), ["d"]);
  assert.deepEqual(
    letThrough(configurationFilter({ publish: { destinationId: "d1", dataProductId: "dp" } })),
    ["e"],
  );
  assert.deepEqual(letThrough(stateIs("DONE", "!=")), ["a", "b", "d"]);
  assert.deepEqual(letThrough(createdSince(T0 + 5_000)), ["d", "e"]);
  assert.deepEqual(letThrough(not(createdSince(T0))), ["c"]);
  assert.deepEqual(
    letThrough(anyOf(fieldIs("job_id", "a"), allOf(stateIs("DONE"), { has: "status:error" }))),
    ["a", "c"],
  );
  assert.deepEqual(letThrough({ has: "configuration:update" }), ["c", "d"]);
  assert.deepEqual(letThrough({ time: "stop_time", op: "<=", at: T0 }), ["c"]);
  assert.deepEqual(letThrough({ time: "cancel_time", op: ">", at: T0 }), ["e"]);
  assert.deepEqual(
    letThrough({ time: "start_time", op: "=", at: T0 + 60_000 }),
    JOBS.map((j) => j.jobId),
  );
});

Deno.test("the simulated tenant reads AIP-160: juxtaposition is AND, OR binds tighter, - is NOT", () => {
  assert.deepEqual(letThrough('status.state = RUNNING job_id = "d"'), ["d"]);
  // a AND b OR c reads a AND (b OR c).
  assert.deepEqual(letThrough('status.state = DONE AND job_id = "c" OR job_id = "a"'), ["c"]);
  assert.deepEqual(letThrough("-status:error AND status.state = DONE"), ["e"]);
  assert.deepEqual(letThrough('NOT (job_id = "a" OR job_id = "b")'), ["c", "d", "e"]);
  assert.deepEqual(letThrough(""), JOBS.map((j) => j.jobId));
});

Deno.test("the simulated tenant refuses a malformed filter, saying what and where", () => {
  const bad: [string, RegExp][] = [
    ['configuration.load.source_id = "s1', /unterminated string/],
    ["configuration.load.source_id = s1", /must be a string in double quotes/],
    ['configuration.load.sourceId = "s1"', /unknown field "configuration.load.sourceId"/],
    ["status.state = FINISHED", /unknown state "FINISHED"/],
    ['create_time() >= "yesterday"', /RFC 3339 time/],
    ['created_time() >= "2026-01-01T00:00:00Z"', /unknown function created_time\(\)/],
    ['job_id > "a"', /only be compared with = or !=/],
    ["configuration:refresh", /unknown presence test/],
    ['(job_id = "a"', /expected "\)"/],
    ['job_id = "a")', /unexpected/],
    ['job_id = "a" AND', /expected a field or a function at the end/],
    ["job_id", /expected a comparison/],
    ['job_id = "a\\n"', /unknown escape/],
    ['job_id = "a" & job_id = "b"', /unexpected "&"/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseFilter(text), (e: unknown) => {
      assert.ok(e instanceof FilterError, `${text}: ${e}`);
      assert.match(e.message, message, text);
      return true;
    });
  }
});
