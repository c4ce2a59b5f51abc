import { parseOutput } from "../settings/config.ts";
import { parseDuration } from "../../kit/duration.ts";
import { DEFAULT_POLL_INTERVAL_MS } from "../../kit/defaults.ts";
import { JobFailedError, JobTimeoutError, UsageError } from "../../kit/errors.ts";
import { stepIdFor } from "../../kit/run/plan.ts";
import { waitForJob } from "../../kit/job/poller.ts";
import type { Job, JobClient } from "../../kit/api/types.ts";
import { stopAndConfirm } from "../../kit/job/stop.ts";
import { EXIT_CODES } from "../../kit/run/outcome.ts";
import { connect, type ConnectFlags } from "../connect.ts";
import type { Io } from "../io.ts";
import { dateTime, timeOfDay } from "../outputs/time_text.ts";

interface JobsFlags extends ConnectFlags {
  output?: string | undefined;
  pollInterval?: string | undefined;
  timeout?: string | undefined;
  leaveRunning?: boolean | undefined;
  wait?: boolean | undefined;
  limit?: string | undefined;
  running?: boolean | undefined;
}

/** `tamr-refresh jobs get|watch|stop|list`. */
export async function jobsCommand(
  verb: "get" | "watch" | "stop" | "list",
  jobId: string | undefined,
  rawFlags: Record<string, unknown>,
  io: Io,
): Promise<number> {
  const flags = rawFlags as JobsFlags;
  const json = parseOutput(flags.output) === "json";
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new UsageError(
      `--limit must be a whole number from 1 to 1000, got ${JSON.stringify(flags.limit)}`,
    );
  }
  const timeoutMs = flags.timeout ? parseDuration(flags.timeout, "--timeout") : undefined;
  const pollMs = flags.pollInterval
    ? parseDuration(flags.pollInterval, "--poll-interval")
    : DEFAULT_POLL_INTERVAL_MS;
  if (jobId !== undefined && jobId.trim() === "") throw new UsageError("The job id is empty");
  const { client } = await connect(flags, io);
  const show = (job: Job) => io.out(json ? JSON.stringify(job) + "\n" : describeJob(job));

  switch (verb) {
    case "get":
      show(await client.getJob(jobId!));
      return 0;
    case "list":
      await listJobs(client, { json, limit, running: flags.running === true }, io);
      return 0;
    case "stop":
      return await stopJob(client, jobId!, { wait: flags.wait !== false, show }, io);
    case "watch":
      return await watchJob(client, jobId!, {
        json,
        show,
        pollMs,
        timeoutMs,
        leaveRunning: flags.leaveRunning === true,
      }, io);
  }
}

async function listJobs(
  client: JobClient,
  o: { json: boolean; limit: number; running: boolean },
  io: Io,
): Promise<void> {
  let n = 0;
  if (!o.json) io.out(`${"job".padEnd(24)} ${"step".padEnd(32)} ${"state".padEnd(15)} since\n`);
  for await (const job of client.listJobs({ signal: io.signal })) {
    if (o.running && job.status.state === "DONE") continue;
    io.out(o.json ? JSON.stringify(job) + "\n" : listLine(job));
    if (++n >= o.limit) break;
  }
}

/** `jobs stop`: the one stop-and-confirm the runner uses too. */
async function stopJob(
  client: JobClient,
  jobId: string,
  o: { wait: boolean; show: (job: Job) => void },
  io: Io,
): Promise<number> {
  if (!o.wait) {
    await client.stopJob(jobId, { signal: io.signal });
    io.err(`Asked Tamr to stop ${jobId}.\n`);
    return 0;
  }
  const result = await stopAndConfirm(client, jobId, { clock: io.clock, signal: io.signal });
  if (!result.confirmed) {
    if (io.signal.aborted) throw io.signal.reason;
    io.err(`Could not confirm that job ${jobId} stopped: ${result.why}\n`);
    return EXIT_CODES.api;
  }
  o.show(result.job);
  return 0;
}

async function watchJob(
  client: JobClient,
  jobId: string,
  o: {
    json: boolean;
    show: (job: Job) => void;
    pollMs: number;
    timeoutMs: number | undefined;
    leaveRunning: boolean;
  },
  io: Io,
): Promise<number> {
  let last = "";
  try {
    const job = await waitForJob(client, jobId, {
      maxIntervalMs: o.pollMs,
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      leaveRunning: o.leaveRunning,
      clock: io.clock,
      signal: io.signal,
      onPoll: (j) => {
        if (j.status.state === last) return;
        last = j.status.state;
        if (!o.json) {
          io.err(`${timeOfDay(io.clock.now())} ${jobId} ${last}\n`);
        }
      },
      onWarning: (m) => io.err(`warning: ${m}\n`),
    });
    o.show(job);
    return 0;
  } catch (e) {
    if ((e instanceof JobFailedError || e instanceof JobTimeoutError) && o.json) {
      o.show(await client.getJob(jobId));
    }
    throw e;
  }
}

/** A job for people: id, step, state, error, and its history. */
export function describeJob(job: Job): string {
  const err = job.status.error;
  const lines = [
    `${job.jobId}  ${
      stepIdFor(job.configuration) ?? JSON.stringify(job.configuration)
    }  ${job.status.state}${
      err ? `  ${err.reason}: ${err.message}` : job.status.state === "DONE" ? "  succeeded" : ""
    }`,
  ];
  for (const h of job.statusHistory ?? []) {
    lines.push(`  ${dateTime(h.stateStartTime) || "?"}  ${h.state}`);
  }
  return lines.join("\n") + "\n";
}

function listLine(job: Job): string {
  const err = job.status.error;
  const state = job.status.state === "DONE" ? (err ? err.reason : "SUCCEEDED") : job.status.state;
  return `${job.jobId.padEnd(24)} ${(stepIdFor(job.configuration) ?? "?").padEnd(32)} ${
    state.padEnd(15)
  } ${dateTime(job.status.stateStartTime)}\n`;
}
