/** The Jobs API's paths: where they start, a job id as one segment, the largest page. */
import { UsageError } from "../errors.ts";

export const API_PREFIX = "/api/v1beta1";
export const MAX_PAGE_SIZE = 30;

/** A job id as one path segment. "." and ".." would be read as dot segments even encoded. */
export function jobSegment(jobId: string, verb: string): string {
  if (typeof jobId !== "string" || jobId === "" || jobId === "." || jobId === "..") {
    throw new UsageError(
      `Cannot ${verb} job: 'jobId' must be a non-empty job id, got ${JSON.stringify(jobId)}`,
    );
  }
  return encodeURIComponent(jobId);
}
