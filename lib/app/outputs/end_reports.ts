/**
 * The end-of-run reporters: GitHub's step summary and annotations, the JUnit file and the webhook
 * notification. Each reads the finished run once, just before its `finish` event.
 */
import { redact } from "../../kit/api/redact.ts";
import {
  checkNotifyUrl,
  type NotifyOptions,
  notifyPayload,
  notifyTarget,
  sendNotification,
} from "./notify.ts";
import { errorAnnotations, stepSummaryMarkdown } from "./github.ts";
import { junitXml } from "./junit.ts";
import type { EndView } from "./end_view.ts";
import type { Io } from "../io.ts";

/** The flags that ask for end-of-run reports. */
export interface EndReportFlags {
  junit?: string | undefined;
  notify?: string | undefined;
}

/** The end reports of one run, checked before it starts and written once it ends. */
export interface EndReports {
  /**
   * Writes every report asked for. A report that cannot be written or sent is a warning (through
   * `warn`, so it reaches the run's stream): it never changes the run's exit code.
   */
  write(view: EndView, warn: (message: string) => void): Promise<void>;
}

/**
 * The end reports asked for by flags and environment. Throws a UsageError (exit 2, before
 * anything is created) for a `--notify` URL that is not https (or http on loopback).
 */
export function prepareEndReports(
  io: Io,
  flags: EndReportFlags,
  notifyOptions: NotifyOptions = {},
): EndReports {
  const notifyUrl = flags.notify === undefined ? undefined : checkNotifyUrl(flags.notify);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY || undefined;
  const annotate = io.env.GITHUB_ACTIONS === "true";
  const because = (e: unknown) => (e instanceof Error ? e.message : String(e));

  return {
    async write(view, warn) {
      const secrets = [...io.secrets];
      if (annotate) io.err(redact(errorAnnotations(view), secrets));
      const writes: Promise<void>[] = [];
      if (summaryFile) {
        writes.push((async () => {
          try {
            const before = await io.exists(summaryFile) ? await io.readTextFile(summaryFile) : "";
            await io.writeTextFile(
              summaryFile,
              before + redact(stepSummaryMarkdown(view), secrets),
            );
          } catch (e) {
            warn(
              `Could not append the step summary to ${summaryFile} (GITHUB_STEP_SUMMARY): ${
                because(e)
              }`,
            );
          }
        })());
      }
      if (flags.junit) {
        const file = flags.junit;
        writes.push((async () => {
          try {
            await io.writeTextFile(file, redact(junitXml(view), secrets));
          } catch (e) {
            warn(`Could not write the JUnit report to ${file} (--junit): ${because(e)}`);
          }
        })());
      }
      if (notifyUrl) {
        writes.push((async () => {
          const payload = JSON.parse(redact(JSON.stringify(notifyPayload(view)), secrets));
          const result = await sendNotification(notifyUrl, payload, {
            fetch: io.fetch,
            clock: io.clock,
            ...notifyOptions,
          });
          if (!result.ok) {
            warn(
              `Could not send the run summary to ${
                notifyTarget(notifyUrl)
              } (--notify) after ${result.attempts} attempt${
                result.attempts === 1 ? "" : "s"
              }: ${result.error}. The run's exit code is unchanged.`,
            );
          }
        })());
      }
      await Promise.all(writes);
    },
  };
}
