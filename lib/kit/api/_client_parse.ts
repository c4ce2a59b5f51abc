/** Reading the Jobs API's answers: just enough shape to rely on, unknown fields passed through. */
import type { Job, JobConfiguration } from "./types.ts";

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Job needs a string `jobId` and a string `status.state`; other fields pass through. */
export function parseJob(json: unknown, what: string): Parsed<Job> {
  if (!isObject(json)) return { ok: false, why: `${what} is not a JSON object` };
  if (typeof json.jobId !== "string" || json.jobId === "") {
    return { ok: false, why: `${what} has no string 'jobId'` };
  }
  if (!isObject(json.status) || typeof json.status.state !== "string") {
    return { ok: false, why: `${what} for job ${json.jobId} has no string 'status.state'` };
  }
  return { ok: true, value: json as unknown as Job };
}

/** The create answer: a string `jobId` is required; a missing status or configuration is filled in. */
export function parseCreatedJob(json: unknown, sent: JobConfiguration): Parsed<Job> {
  if (!isObject(json)) return { ok: false, why: "the answer is not a JSON object" };
  if (typeof json.jobId !== "string" || json.jobId === "") {
    return { ok: false, why: "the answer has no string 'jobId'" };
  }
  const status = isObject(json.status) ? json.status : {};
  const job = {
    ...json,
    configuration: isObject(json.configuration) ? json.configuration : sent,
    status: { ...status, state: typeof status.state === "string" ? status.state : "PENDING" },
  };
  return { ok: true, value: job as unknown as Job };
}

export interface Page {
  jobs: Job[];
  nextPageToken: string | undefined;
}

export function parsePage(json: unknown): Parsed<Page> {
  if (!isObject(json)) return { ok: false, why: "the answer is not a JSON object" };
  // Proto-style JSON leaves out empty lists and empty strings.
  const rawJobs = json.jobs ?? [];
  if (!Array.isArray(rawJobs)) return { ok: false, why: "the answer's 'jobs' is not a list" };
  const jobs: Job[] = [];
  for (const [i, raw] of rawJobs.entries()) {
    const parsed = parseJob(raw, `jobs[${i}]`);
    if (!parsed.ok) return parsed;
    jobs.push(parsed.value);
  }
  const token = json.nextPageToken;
  if (token !== undefined && token !== null && typeof token !== "string") {
    return { ok: false, why: "the answer's 'nextPageToken' is not a string" };
  }
  return { ok: true, value: { jobs, nextPageToken: token ?? undefined } };
}
