/**
 * The end-of-run reporters: GitHub's step summary and annotations, the JUnit file and the webhook
 * notification. Each folds the run's events with the view-state reducer and acts once, on `finish`.
 */
import type { EventBus } from "../../kit/run/event_bus.ts";
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
import { initialViewState, reduce, type ViewState } from "../../kit/run/run_state.ts";
import type { Io } from "../io.ts";

/** The flags that ask for end-of-run reports. */
export interface EndReportFlags {
  junit?: string | undefined;
  notify?: string | undefined;
}

/** The attached reporters; `settled()` resolves once every report of a finished run is written. */
export interface EndReports {
  settled(): Promise<void>;
}

/**
 * Subscribes the end-of-run reporters to `bus`. Throws a UsageError (exit 2, before anything is
 * created) for a `--notify` URL that is not https (or http on loopback). A report that cannot be
 * written or sent is a warning on stderr: it never changes the run's exit code.
 */
export function attachEndReports(
  bus: EventBus,
  io: Io,
  flags: EndReportFlags,
  notifyOptions: NotifyOptions = {},
): EndReports {
  const notifyUrl = flags.notify === undefined ? undefined : checkNotifyUrl(flags.notify);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY || undefined;
  const annotate = io.env.GITHUB_ACTIONS === "true";
  if (!notifyUrl && !flags.junit && !summaryFile && !annotate) {
    return { settled: () => Promise.resolve() };
  }
  let view: ViewState = initialViewState;
  let done: Promise<void> | null = null;
  const warn = (what: string, e: unknown) =>
    io.err(`warning: ${what}: ${e instanceof Error ? e.message : String(e)}\n`);

  const report = async (view: ViewState) => {
    const secrets = [...io.secrets];
    if (annotate) io.err(redact(errorAnnotations(view), secrets));
    const writes: Promise<void>[] = [];
    if (summaryFile) {
      writes.push((async () => {
        try {
          const before = await io.exists(summaryFile) ? await io.readTextFile(summaryFile) : "";
          await io.writeTextFile(summaryFile, before + redact(stepSummaryMarkdown(view), secrets));
        } catch (e) {
          warn(`could not append the step summary to ${summaryFile} (GITHUB_STEP_SUMMARY)`, e);
        }
      })());
    }
    if (flags.junit) {
      const file = flags.junit;
      writes.push((async () => {
        try {
          await io.writeTextFile(file, redact(junitXml(view), secrets));
        } catch (e) {
          warn(`could not write the JUnit report to ${file} (--junit)`, e);
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
          io.err(
            `warning: could not send the run summary to ${notifyTarget(notifyUrl)} (--notify) ` +
              `after ${result.attempts} attempt${
                result.attempts === 1 ? "" : "s"
              }: ${result.error}. ` +
              `The run's exit code is unchanged.\n`,
          );
        }
      })());
    }
    await Promise.all(writes);
  };

  bus.subscribe((event) => {
    view = reduce(view, event);
    if (event.type === "finish" && done === null) done = report(view);
  });
  return { settled: () => done ?? Promise.resolve() };
}
