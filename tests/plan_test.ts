import assert from "node:assert/strict";
import { buildPlan, planFingerprint, stepIdFor } from "../lib/kit/run/plan.ts";

Deno.test("buildPlan() orders sources, then the data product, then the index and publishes", () => {
  const plan = buildPlan({
    sources: ["a", "b", "a"],
    dataProduct: "dp",
    workflow: "wf",
    destinations: ["d1", "d2"],
  });
  assert.deepEqual(plan.steps.map((s) => s.id), [
    "load:a",
    "load:b",
    "update:dp",
    "index:wf",
    "publish:d1",
    "publish:d2",
  ]);
  assert.deepEqual(plan.steps[2]!.dependsOn, ["load:a", "load:b"]);
  assert.deepEqual(plan.steps[3]!.dependsOn, ["update:dp"]);
  assert.deepEqual(plan.steps[4]!.configuration, {
    publish: { destinationId: "d1", dataProductId: "dp" },
  });
  assert.deepEqual(plan.steps[3]!.configuration, { update: { workflowId: "wf" } });
});

Deno.test("planFingerprint() differs when the plan differs and stepIdFor() reads configurations", () => {
  const a = buildPlan({ sources: ["a"], dataProduct: "dp" });
  const b = buildPlan({ sources: ["a"], dataProduct: "dp", destinations: ["x"] });
  assert.notEqual(planFingerprint(a), planFingerprint(b));
  assert.equal(
    planFingerprint(a),
    planFingerprint(buildPlan({ sources: ["a"], dataProduct: "dp" })),
  );
  assert.equal(stepIdFor({ load: { sourceId: "s" } }), "load:s");
  assert.equal(stepIdFor({ update: { workflowId: "w" } }), "index:w");
  assert.equal(stepIdFor({ other: {} }), null);
});
