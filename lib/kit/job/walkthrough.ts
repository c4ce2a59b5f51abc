/**
 * The functions of Tamr's walkthrough "Coordinating data product refresh via API", typed, so a
 * script written from that page ports line by line:
 *
 * | Python (Tamr's page)                                   | here                                                  |
 * |--------------------------------------------------------|-------------------------------------------------------|
 * | `poll_job(job_id, tenant, session)`                    | `pollJob(client, jobId)`                              |
 * | `refresh_source(source_id, tenant, session)`           | `refreshSource(client, sourceId)`                     |
 * | `refresh_data_product(dp_id, tenant, session)`         | `refreshDataProduct(client, dataProductId)`           |
 * | `refresh_search_index(workflow_id, tenant, session)`   | `refreshSearchIndex(client, workflowId)`              |
 * | `refresh_output(dest_id, dp_id, tenant, session)`      | `refreshOutput(client, destinationId, dataProductId)` |
 *
 * The job client stands in for `(tenant_name, tamr_api_session)`; `wait=False` is
 * `{ wait: false }`. Failures throw `JobFailedError` or `JobTimeoutError` instead of
 * `RuntimeError`, and HTTP refusals throw `ApiError`.
 */
import { UsageError } from "../errors.ts";
import { waitForJob, type WaitOptions } from "./poller.ts";
import type { JobClient, JobConfiguration } from "../api/types.ts";

/**
 * Options of the refresh functions: whether to wait (default true), and how.
 *
 * @example
 * ```ts
 * import { type JobClient, refreshSource, type WalkthroughOptions } from "@tamr-refresh/kit";
 *
 * const startOnly: WalkthroughOptions = { wait: false };
 * export const start = (client: JobClient) => refreshSource(client, "src_crm", startOnly);
 * ```
 */
export interface WalkthroughOptions extends WaitOptions {
  /** When true (the default), wait for the job to finish, like the walkthrough's `wait=True`. */
  wait?: boolean;
}

/**
 * Waits for a job like the walkthrough's `poll_job`: resolves when it is DONE without error,
 * throws `JobFailedError` when it is DONE with one and `JobTimeoutError` past the timeout
 * (default 2 hours, as `timeout_hours=2`; the job is then stopped unless `leaveRunning`).
 *
 * @example
 * ```ts
 * import { pollJob } from "./walkthrough.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function waitUpToAnHour(client: JobClient, jobId: string) {
 *   await pollJob(client, jobId, { maxIntervalMs: 30_000, timeoutMs: 3_600_000 });
 * }
 * ```
 */
export async function pollJob(
  client: JobClient,
  jobId: string,
  options: WaitOptions = {},
): Promise<void> {
  await waitForJob(client, jobId, options);
}

/**
 * Refreshes a source dataset (a `load` job), like `refresh_source`. Returns the job id.
 *
 * @example
 * ```ts
 * import { refreshSource } from "./walkthrough.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function refreshSources(client: JobClient) {
 *   for (const sourceId of ["src_a", "src_b"]) {
 *     await refreshSource(client, sourceId);
 *   }
 * }
 * ```
 */
export async function refreshSource(
  client: JobClient,
  sourceId: string,
  options: WalkthroughOptions = {},
): Promise<string> {
  requireId("refreshSource", "source ID", sourceId);
  return await runJob(client, { load: { sourceId } }, options);
}

/**
 * Runs the data product to update clusters and golden records (an `update` job), like
 * `refresh_data_product`. Returns the job id.
 *
 * @example
 * ```ts
 * import { refreshDataProduct } from "./walkthrough.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function startUpdate(client: JobClient): Promise<string> {
 *   return await refreshDataProduct(client, "dp_xyz", { wait: false });
 * }
 * ```
 */
export async function refreshDataProduct(
  client: JobClient,
  dataProductId: string,
  options: WalkthroughOptions = {},
): Promise<string> {
  requireId("refreshDataProduct", "data product ID", dataProductId);
  return await runJob(client, { update: { dataProductId } }, options);
}

/**
 * Updates the RealTime search index by running a `loadToSorFromDataProduct` workflow (an
 * `update` job), like `refresh_search_index`. Returns the job id.
 *
 * @example
 * ```ts
 * import { refreshSearchIndex } from "./walkthrough.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function updateIndex(client: JobClient) {
 *   const jobId = await refreshSearchIndex(client, "flow_xyz");
 *   return jobId;
 * }
 * ```
 */
export async function refreshSearchIndex(
  client: JobClient,
  workflowId: string,
  options: WalkthroughOptions = {},
): Promise<string> {
  requireId("refreshSearchIndex", "workflow ID", workflowId);
  return await runJob(client, { update: { workflowId } }, options);
}

/**
 * Publishes the data product's output to a configured destination (a `publish` job), like
 * `refresh_output`. Returns the job id.
 *
 * @example
 * ```ts
 * import { refreshOutput } from "./walkthrough.ts";
 * import type { JobClient } from "../api/types.ts";
 *
 * async function publish(client: JobClient) {
 *   await refreshOutput(client, "dest_xyz", "dp_xyz");
 * }
 * ```
 */
export async function refreshOutput(
  client: JobClient,
  destinationId: string,
  dataProductId: string,
  options: WalkthroughOptions = {},
): Promise<string> {
  requireId("refreshOutput", "destination ID", destinationId);
  requireId("refreshOutput", "data product ID", dataProductId);
  return await runJob(client, { publish: { destinationId, dataProductId } }, options);
}

/** Creates the job and, unless `wait` is false, waits for it; returns the job id. */
async function runJob(
  client: JobClient,
  configuration: JobConfiguration,
  options: WalkthroughOptions,
): Promise<string> {
  const { wait = true, ...waitOptions } = options;
  const job = await client.createJob(configuration, { signal: options.signal });
  // Just created: a 404 right after the create is the API catching up, not a missing job.
  if (wait) await waitForJob(client, job.jobId, { justCreated: true, ...waitOptions });
  return job.jobId;
}

function requireId(fn: string, what: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`${fn}() needs a ${what}, got ${JSON.stringify(value)}`, {
      hint: "Copy the ID from the Tamr UI (Configurations pages).",
    });
  }
}
