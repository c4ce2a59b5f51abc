import assert from "node:assert/strict";
import { matchesSent } from "../lib/kit/job/match.ts";

Deno.test("matchesSent() matches a job whose configuration is exactly what we sent, whatever the key order", () => {
  const sent = { publish: { destinationId: "d1", dataProductId: "dp" } };
  assert.ok(matchesSent(sent, { publish: { dataProductId: "dp", destinationId: "d1" } }));
  assert.ok(matchesSent({ load: { sourceId: "s1" } }, { load: { sourceId: "s1" } }));
});

Deno.test("matchesSent() ignores fields the server added, with a value, empty or null", () => {
  const sent = { load: { sourceId: "s1" } };
  assert.ok(matchesSent(sent, { load: { sourceId: "s1", priority: "NORMAL" } }));
  assert.ok(matchesSent(sent, { load: { sourceId: "s1", description: "", note: null } }));
  assert.ok(matchesSent(sent, { load: { sourceId: "s1", options: { mode: "FULL" } } }));
  assert.ok(matchesSent(sent, { load: { sourceId: "s1" }, labels: null, tags: [] }));
  assert.ok(matchesSent(sent, { load: { sourceId: "s1" }, update: null, publish: {} }));
  const update = { update: { dataProductId: "dp" } };
  assert.ok(matchesSent(update, { update: { dataProductId: "dp", workflowId: "" } }));
  assert.ok(matchesSent(update, { update: { dataProductId: "dp", workflowId: null } }));
});

Deno.test("matchesSent() refuses a job where a field we sent is different, missing or empty", () => {
  const sent = { publish: { destinationId: "d1", dataProductId: "dp" } };
  assert.ok(!matchesSent(sent, { publish: { destinationId: "d1", dataProductId: "dp2" } }));
  assert.ok(!matchesSent(sent, { publish: { destinationId: "d1" } }));
  assert.ok(!matchesSent(sent, { publish: { destinationId: "d1", dataProductId: "" } }));
  assert.ok(!matchesSent(sent, { publish: { destinationId: "d1", dataProductId: null } }));
  assert.ok(!matchesSent(sent, { publish: null }));
  assert.ok(!matchesSent(sent, {}));
  assert.ok(!matchesSent(sent, null));
  assert.ok(!matchesSent({ load: { sourceId: "s1" } }, { load: { sourceId: "S1" } }));
  assert.ok(!matchesSent({ load: { sourceId: "1" } }, { load: { sourceId: 1 } }));
});

Deno.test("matchesSent() refuses a job of another kind, or an update of the other target", () => {
  assert.ok(!matchesSent({ load: { sourceId: "x" } }, { publish: { destinationId: "x" } }));
  // A job that claims two kinds is not the one we asked for.
  assert.ok(
    !matchesSent({ load: { sourceId: "s1" } }, {
      load: { sourceId: "s1" },
      update: { dataProductId: "dp" },
    }),
  );
  // An index job whose server also filled in its workflow's data product is not the data product's.
  assert.ok(
    !matchesSent({ update: { dataProductId: "dp" } }, {
      update: { dataProductId: "dp", workflowId: "wf" },
    }),
  );
  assert.ok(
    !matchesSent({ update: { workflowId: "wf" } }, {
      update: { workflowId: "wf", dataProductId: "dp" },
    }),
  );
  assert.ok(!matchesSent({ update: { workflowId: "wf" } }, { update: { dataProductId: "wf" } }));
});

Deno.test("matchesSent() compares arrays element by element and nested objects field by field", () => {
  assert.ok(matchesSent({ a: { b: [1, { c: "x" }] } }, { a: { b: [1, { c: "x", d: 2 }], e: 3 } }));
  assert.ok(!matchesSent({ a: { b: [1, 2] } }, { a: { b: [1, 2, 3] } }));
  assert.ok(!matchesSent({ a: { b: [1, 2] } }, { a: { b: [2, 1] } }));
});
