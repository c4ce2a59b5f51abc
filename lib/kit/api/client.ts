/**
 * The job client: Tamr's Jobs API over `fetch`, with retries of transient failures, creates that
 * are never sent twice when the first may have reached the server, and the API key kept out of
 * every error, event and callback.
 *
 * The parts: the options checked (`_resolve_options.ts`), one request with its retries
 * (`_request.ts`), one attempt (`_attempt.ts`, `_attempt_deadline.ts`), reading a body
 * (`_read_body.ts`), judging an answer (`_judge_answer.ts`) and listing page by page
 * (`_list_jobs.ts`).
 */
import { describeBody, neverReachedServer } from "./_client_text.ts";
import { parseCreatedJob, parseJob } from "./_client_parse.ts";
import { listJobs } from "./_list_jobs.ts";
import { API_PREFIX, jobSegment } from "./_paths.ts";
import { request } from "./_request.ts";
import { resolveOptions } from "./_resolve_options.ts";
import type { ClientOptions } from "./client_options.ts";
import type { JobClient } from "./types.ts";

export type { ClientOptions } from "./client_options.ts";
export { DEFAULT_REQUEST_TIMEOUT_MS } from "../defaults.ts";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./_resolve_options.ts";
export { API_PREFIX, MAX_PAGE_SIZE } from "./_paths.ts";
export { describeBody, neverReachedServer };

/**
 * Creates a client for one tenant. Checks its options at once; sends nothing until asked.
 *
 * @example
 * ```ts
 * import { createJobClient } from "@tamr-refresh/kit";
 *
 * export async function latestJobs(apiKey: string): Promise<string[]> {
 *   const client = createJobClient({ baseUrl: "https://acme.tamr.cloud", apiKey });
 *   const ids: string[] = [];
 *   for await (const job of client.listJobs()) {
 *     ids.push(`${job.jobId} ${job.status.state}`);
 *     if (ids.length === 5) break;
 *   }
 *   return ids;
 * }
 * ```
 */
export function createJobClient(options: ClientOptions): JobClient {
  const cfg = resolveOptions(options);
  return {
    async createJob(configuration, opts) {
      const path = `${API_PREFIX}/jobs`;
      return await request(cfg, {
        method: "POST",
        path,
        body: { configuration },
        isCreate: true,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        retryTooManyRequests: opts?.retryTooManyRequests,
        parse: (json) => parseCreatedJob(json, configuration),
      });
    },

    async getJob(jobId, opts) {
      const path = `${API_PREFIX}/jobs/${jobSegment(jobId, "get")}`;
      return await request(cfg, {
        method: "GET",
        path,
        isCreate: false,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        poll: opts?.poll,
        parse: (json) => parseJob(json, "the answer"),
      });
    },

    async stopJob(jobId, opts) {
      const path = `${API_PREFIX}/jobs/${jobSegment(jobId, "stop")}:stop`;
      await request(cfg, {
        method: "POST",
        path,
        body: {},
        isCreate: false,
        allowEmpty: true,
        signal: opts?.signal,
        onRetry: opts?.onRetry,
        parse: () => ({ ok: true, value: undefined }),
      });
    },

    listJobs(opts) {
      return listJobs(cfg, opts ?? {});
    },
  };
}
