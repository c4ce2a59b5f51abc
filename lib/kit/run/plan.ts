import type { JobConfiguration } from "../api/types.ts";

/**
 * What a step does; the step id is `<kind>:<target>`.
 *
 * @example
 * ```ts
 * import type { StepKind } from "@tamr-refresh/kit";
 *
 * const kinds: StepKind[] = ["load", "update", "index", "publish"];
 * ```
 */
export type StepKind = "load" | "update" | "index" | "publish";

/** The phases the dashboard groups steps by, in order. */
export const PHASES: readonly StepKind[] = ["load", "update", "index", "publish"];

/**
 * One step of the plan: one job to create, and the steps it waits for.
 *
 * @example
 * ```ts
 * import { buildPlan, type PlanStep } from "@tamr-refresh/kit";
 *
 * const update: PlanStep = buildPlan({ sources: ["s1"], dataProduct: "dp" }).steps[1]!;
 * // { id: "update:dp", kind: "update", target: "dp", dependsOn: ["load:s1"],
 * //   configuration: { update: { dataProductId: "dp" } } }
 * ```
 */
export interface PlanStep {
  /** `load:<sourceId>`, `update:<dataProductId>`, `index:<workflowId>`, `publish:<destinationId>`. */
  id: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** The exact `configuration` sent in the create request's body. */
  configuration: JobConfiguration;
  /** Ids of steps that must succeed before this one starts. */
  dependsOn: string[];
}

/**
 * The pipeline as data: built from config, printable for `--dry-run`, walked by the runner.
 *
 * @example
 * ```ts
 * import { buildPlan, type Plan } from "@tamr-refresh/kit";
 *
 * const plan: Plan = buildPlan({ sources: ["s1"], dataProduct: "dp" });
 * const requests = plan.steps.map((s) => ({ step: s.id, body: { configuration: s.configuration } }));
 * ```
 */
export interface Plan {
  /** The data product the plan refreshes. */
  dataProduct: string;
  /** Every step, sources first, in the order they are started. */
  steps: PlanStep[];
}

/**
 * What a plan is built from: the IDs copied from Tamr's UI.
 *
 * @example
 * ```ts
 * import type { PlanInput } from "@tamr-refresh/kit";
 *
 * const input: PlanInput = {
 *   sources: ["src_crm", "src_erp"],
 *   dataProduct: "dp_customers",
 *   workflow: "wf_customers_sor",
 *   destinations: ["dest_snowflake"],
 * };
 * ```
 */
export interface PlanInput {
  /** Sources to reload, at least one; duplicates are dropped. */
  sources: readonly string[];
  /** The data product to run once every source succeeded. */
  dataProduct: string;
  /** A `loadToSorFromDataProduct` workflow: the RealTime search index to update afterwards. */
  workflow?: string | undefined;
  /** Destinations to publish to afterwards. */
  destinations?: readonly string[] | undefined;
}

/**
 * Builds the plan of the contract: sources, then the data product, then the index and publishes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPlan } from "@tamr-refresh/kit";
 *
 * const plan = buildPlan({
 *   sources: ["src_crm", "src_erp"],
 *   dataProduct: "dp_customers",
 *   workflow: "wf_sor",
 *   destinations: ["dest_snowflake"],
 * });
 * assert.deepEqual(plan.steps.map((s) => s.id), [
 *   "load:src_crm",
 *   "load:src_erp",
 *   "update:dp_customers",
 *   "index:wf_sor",
 *   "publish:dest_snowflake",
 * ]);
 * assert.deepEqual(plan.steps[2]!.dependsOn, ["load:src_crm", "load:src_erp"]);
 * ```
 */
export function buildPlan(input: PlanInput): Plan {
  const unique = (xs: readonly string[]) => [...new Set(xs)];
  const loads = unique(input.sources).map((sourceId) =>
    planStep("load", sourceId, { load: { sourceId } }, [])
  );
  const update = planStep(
    "update",
    input.dataProduct,
    { update: { dataProductId: input.dataProduct } },
    loads.map((s) => s.id),
  );
  const after: PlanStep[] = [];
  if (input.workflow) {
    after.push(planStep("index", input.workflow, { update: { workflowId: input.workflow } }, [
      update.id,
    ]));
  }
  for (const destinationId of unique(input.destinations ?? [])) {
    after.push(planStep("publish", destinationId, {
      publish: { destinationId, dataProductId: input.dataProduct },
    }, [update.id]));
  }
  return { dataProduct: input.dataProduct, steps: [...loads, update, ...after] };
}

/** One step, its id given by the one rule that names steps (`stepIdFor`). */
function planStep(
  kind: StepKind,
  target: string,
  configuration: JobConfiguration,
  dependsOn: string[],
): PlanStep {
  return { id: stepIdFor(configuration)!, kind, target, configuration, dependsOn };
}

/** A stable fingerprint of a plan, to refuse resuming a journal written for another plan. */
export function planFingerprint(plan: Plan): string {
  return plan.steps.map((s) => `${s.id}<${s.dependsOn.join(",")}>`).join("|");
}

/** The step id a job's configuration belongs to (`load:<sourceId>` ...), or null for another kind. */
export function stepIdFor(configuration: unknown): string | null {
  const c = configuration as Record<string, Record<string, unknown> | undefined> | null;
  if (!c || typeof c !== "object") return null;
  if (typeof c.load?.sourceId === "string") return `load:${c.load.sourceId}`;
  if (typeof c.update?.dataProductId === "string") return `update:${c.update.dataProductId}`;
  if (typeof c.update?.workflowId === "string") return `index:${c.update.workflowId}`;
  if (typeof c.publish?.destinationId === "string") return `publish:${c.publish.destinationId}`;
  return null;
}
