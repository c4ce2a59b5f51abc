/**
 * The journal file's shape, checked with zod: a damaged or foreign file is a UsageError naming the
 * file, the field that is wrong and what it holds.
 */
import { z } from "zod";
import { UsageError } from "../../kit/errors.ts";
import { MAX_DURATION_MS } from "../../kit/duration.ts";
import { planFingerprint, stepIdFor, type StepKind } from "../../kit/run/plan.ts";
import type { RunOutcome, StepOutcome } from "../../kit/run/events.ts";
import type { JobConfiguration } from "../../kit/api/types.ts";
import type { JournalData } from "./journal.ts";

const must = (what: string) => ({ error: `must be ${what}` });

/** The keys of a record over a union, as the tuple `z.enum()` takes: every member, checked. */
function keysOf<K extends string>(members: Record<K, true>): [K, ...K[]] {
  return Object.keys(members) as [K, ...K[]];
}
const STEP_KINDS = keysOf<StepKind>({ load: true, update: true, index: true, publish: true });
const STEP_OUTCOMES = keysOf<StepOutcome>({
  succeeded: true,
  failed: true,
  stopped: true,
  timed_out: true,
  skipped: true,
  not_started: true,
  running: true,
});
const RUN_OUTCOMES = keysOf<RunOutcome>({
  succeeded: true,
  failed: true,
  timed_out: true,
  interrupted: true,
  error: true,
});

const text = z.string(must("a string"));
const nonEmpty = z.string(must("a non-empty string")).min(1, must("a non-empty string"));
const time = z.string(must("a time")).refine((s) => Number.isFinite(Date.parse(s)), must("a time"));
const durationMs = z.number(must("a duration in milliseconds"))
  .positive(must("a positive duration in milliseconds"))
  .max(MAX_DURATION_MS, must(`at most ${MAX_DURATION_MS} ms (7 days)`));

const planStep = z.object({
  id: text,
  kind: z.enum(STEP_KINDS, must(`one of ${STEP_KINDS.join(", ")}`)),
  target: nonEmpty,
  dependsOn: z.array(text, must("a list of step ids")),
  configuration: z.custom<JobConfiguration>(
    (v) => stepIdFor(v) !== null,
    must("a job configuration"),
  ),
}, must("a step")).superRefine((s, ctx) => {
  const id = `${s.kind}:${s.target}`;
  if (s.id !== id) {
    ctx.addIssue({ code: "custom", path: ["id"], message: `must be ${JSON.stringify(id)}` });
  } else if (stepIdFor(s.configuration) !== id) {
    ctx.addIssue({
      code: "custom",
      path: ["configuration"],
      message: `must be the job configuration of ${id}`,
    });
  }
});

const journalStep = z.looseObject({
  jobId: nonEmpty.exactOptional(),
  outcome: z.enum(STEP_OUTCOMES, must("a step outcome")).exactOptional(),
  // This run asked Tamr to stop the step's job (kept since stopped jobs are run again on resume).
  stopRequested: z.boolean(must("true or false")).exactOptional(),
  startedAt: time.exactOptional(),
  endedAt: time.exactOptional(),
  // Kept since the run history: older journals have none.
  jobTimes: z.object({
    createdAt: time.exactOptional(),
    runningAt: time.exactOptional(),
    doneAt: time.exactOptional(),
  }, must("an object of times")).exactOptional(),
}, must("an object"));

const pacing = z.object({
  concurrency: z.number(must("a whole number from 1 to 50"))
    .int(must("a whole number from 1 to 50"))
    .min(1, must("a whole number from 1 to 50"))
    .max(50, must("a whole number from 1 to 50")),
  pollIntervalMs: durationMs,
  timeoutMs: durationMs,
  requestTimeoutMs: durationMs,
}, must("an object"));

/** A journal file, version 1; fields it does not know are kept. */
const journalSchema: z.ZodType<JournalData> = z.looseObject({
  version: z.literal(1, must("1")),
  fingerprint: text,
  tenant: text,
  baseUrl: text,
  plan: z.object({
    dataProduct: nonEmpty,
    steps: z.array(planStep, must("a list of steps")),
  }, must("a plan with a data product and steps")),
  startedAt: time,
  updatedAt: time,
  finished: z.boolean(must("true or false")),
  outcome: z.enum(RUN_OUTCOMES, must("a run outcome")).exactOptional(),
  steps: z.record(z.string(), journalStep, must("an object")),
  history: z.record(
    z.string(),
    z.array(
      z.number(must("a duration in milliseconds")).nonnegative(must("a duration in milliseconds")),
      must("a list of durations"),
    ),
    must("an object"),
  ).default({}),
  settings: pacing.exactOptional(),
  runId: nonEmpty.exactOptional(),
  partStartedAt: time.exactOptional(),
  earlierMs: z.number(must("a duration in milliseconds"))
    .nonnegative(must("a duration in milliseconds")).exactOptional(),
  idsThrough: z.number(must("a whole number")).int(must("a whole number"))
    .nonnegative(must("a whole number")).exactOptional(),
}, must("a JSON object"));

const HINT = "Remove it to start afresh, or pass another --state file.";

/** Parses a journal file; a damaged one is a UsageError naming the file and the field. */
export function parseJournal(text: string, path: string): JournalData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The run journal ${path} is not valid JSON: ${(e as Error).message}`, {
      hint: HINT,
    });
  }
  const parsed = journalSchema.safeParse(data);
  const problem = parsed.success
    ? planFingerprint(parsed.data.plan) === parsed.data.fingerprint
      ? null
      : `"fingerprint" does not match its plan`
    : describe(parsed.error.issues[0]!, data);
  if (problem !== null) {
    throw new UsageError(
      `The run journal ${path} is not a tamr-refresh journal (version 1): ${problem}`,
      { hint: HINT },
    );
  }
  return parsed.data!;
}

/** One issue in a few words: the field, what it must be, and what it holds. */
function describe(issue: z.core.$ZodIssue, data: unknown): string {
  const field = fieldName(issue.path);
  const value = valueAt(data, issue.path);
  if (issue.path.length > 0 && value === undefined) return `"${field}" is missing`;
  const subject = issue.path.length > 0 ? `"${field}"` : "the file";
  return `${subject} ${issue.message}, got ${preview(value)}`;
}

/** `plan.steps[0].kind`, `steps.load:s1.jobId`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`)
    .join("");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** A value as JSON, cut short: enough to recognise it in the file. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
