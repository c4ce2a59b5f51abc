/**
 * The first event of a run, `start`: the plan, each step with its create request body and, when
 * earlier runs tell, how long it usually takes.
 */
import type { StepKind } from "./plan.ts";

/**
 * One step of the plan as the `start` event lists it, with the exact create request body.
 *
 * @example
 * ```ts
 * import type { PlanStepSummary } from "@tamr-refresh/kit";
 *
 * const s: PlanStepSummary = {
 *   step: "load:src_crm",
 *   kind: "load",
 *   target: "src_crm",
 *   dependsOn: [],
 *   body: { configuration: { load: { sourceId: "src_crm" } } },
 * };
 * ```
 */
export interface PlanStepSummary {
  /** The step id, `<kind>:<target>`. */
  step: string;
  /** What the step does. */
  kind: StepKind;
  /** The source, data product, workflow or destination id. */
  target: string;
  /** Ids of the steps that must succeed first. */
  dependsOn: string[];
  /** The body of the create request (`POST /api/v1beta1/jobs`). */
  body: { configuration: unknown };
  /** How long the step's job usually takes (the median of earlier runs, ms), when known. */
  expectedMs?: number;
  /** The 90th percentile of its earlier durations (ms): past it the step is slower than usual. */
  p90Ms?: number;
  /**
   * True when the step succeeded in the run's earlier part (`--resume`): it is not run again, and
   * a `step` event right after this one says it `succeeded` with its times then.
   */
  succeededBefore?: true;
  /**
   * For a step whose job the run's earlier part created and did not see end (`--resume`): that
   * job, polled again rather than created anew. The step counts as running from the start.
   */
  resumedJobId?: string;
  /** For such a step: when it began in the earlier part (RFC 3339), when known. */
  resumedSince?: string;
}

/**
 * The first event of a run: the plan.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "@tamr-refresh/kit";
 *
 * function describe(e: RunEvent): string {
 *   return e.type === "start" ? `${e.steps.length} steps on ${e.tenant}` : e.type;
 * }
 * ```
 */
export interface StartEvent {
  /** Always `"start"`. */
  type: "start";
  /** When it happened, RFC 3339. */
  time: string;
  /** The version of the event format. */
  version: 1;
  /** The tenant's name. */
  tenant: string;
  /** The base URL requests go to. */
  baseUrl: string;
  /** The data product being refreshed. */
  dataProduct: string;
  /** Source jobs at once. */
  concurrency: number;
  /** The longest wait between two polls of a job (`--poll-interval`), ms. */
  pollIntervalMs?: number;
  /**
   * For a resumed run: the time of its earlier parts (ms), each from its start to its end, without
   * the gaps between them. The whole run's time is this plus this part's.
   */
  earlierMs?: number;
  /** Every step of the plan, in order. */
  steps: PlanStepSummary[];
}
