/** What a job filter sees of a job, what it makes of it, and how it says it cannot read one. */

/** What a filter can ask of one job, at the moment of the request. */
export interface JobFacts {
  jobId: string;
  configuration: Record<string, unknown>;
  state: string;
  hasError: boolean;
  /** ms since the epoch, by the tenant's clock; undefined when it did not happen. */
  createTime: number;
  startTime: number | undefined;
  cancelTime: number | undefined;
  stopTime: number | undefined;
}

/** A parsed filter: true for the jobs it lets through. */
export type JobPredicate = (job: JobFacts) => boolean;

/** A filter the tenant cannot read: `message` says why. */
export class FilterError extends Error {
  override name = "FilterError";
}
