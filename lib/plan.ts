import type { JobConfiguration } from "./types.ts";

/** What a step does; the step id is `<kind>:<target>`. */
export type StepKind = "load" | "update" | "index" | "publish";

/** The phases the dashboard groups steps by, in order. */
export const PHASES: readonly StepKind[] = ["load", "update", "index", "publish"];

export interface PlanStep {
  /** `load:<sourceId>`, `update:<dataProductId>`, `index:<workflowId>`, `publish:<destinationId>`. */
  id: string;
  kind: StepKind;
  target: string;
  /** The exact `configuration` sent in the create request's body. */
  configuration: JobConfiguration;
  /** Ids of steps that must succeed before this one starts. */
  dependsOn: string[];
}

/** The pipeline as data: built from config, printable for `--dry-run`, walked by the runner. */
export interface Plan {
  dataProduct: string;
  steps: PlanStep[];
}

export interface PlanInput {
  sources: readonly string[];
  dataProduct: string;
  workflow?: string | undefined;
  destinations?: readonly string[] | undefined;
}

/** Builds the plan of the contract: sources, then the data product, then the index and publishes. */
export function buildPlan(input: PlanInput): Plan {
  const unique = (xs: readonly string[]) => [...new Set(xs)];
  const loads: PlanStep[] = unique(input.sources).map((sourceId) => ({
    id: `load:${sourceId}`,
    kind: "load",
    target: sourceId,
    configuration: { load: { sourceId } },
    dependsOn: [],
  }));
  const update: PlanStep = {
    id: `update:${input.dataProduct}`,
    kind: "update",
    target: input.dataProduct,
    configuration: { update: { dataProductId: input.dataProduct } },
    dependsOn: loads.map((s) => s.id),
  };
  const after: PlanStep[] = [];
  if (input.workflow) {
    after.push({
      id: `index:${input.workflow}`,
      kind: "index",
      target: input.workflow,
      configuration: { update: { workflowId: input.workflow } },
      dependsOn: [update.id],
    });
  }
  for (const destinationId of unique(input.destinations ?? [])) {
    after.push({
      id: `publish:${destinationId}`,
      kind: "publish",
      target: destinationId,
      configuration: { publish: { destinationId, dataProductId: input.dataProduct } },
      dependsOn: [update.id],
    });
  }
  return { dataProduct: input.dataProduct, steps: [...loads, update, ...after] };
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
