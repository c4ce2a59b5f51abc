/**
 * tamr-refresh's one entry point and its one exit point: builds the real effects, runs the
 * command, maps any error to the contract's exit code, and exits.
 */
import { createRealIo } from "./lib/app/real_io.ts";
import { asksForRootHelp, ROOT_HELP } from "./lib/app/help/help_snapshot.ts";
import {
  ApiError,
  exitCodeFor,
  InterruptedError,
  JobFailedError,
  JobTimeoutError,
  UsageError,
} from "./lib/kit/errors.ts";
import { EXIT_CODES } from "./lib/kit/run/outcome.ts";
import { JournalLockedError } from "./lib/app/journal/lock.ts";
import { isMachineError, machineErrorSentence } from "./lib/app/machine_errors.ts";

// The first interrupt (a signal, or stdout's reader going away) asks the command to stop its jobs
// and end; a second signal gives up at once.
const first = new AbortController();
const hard = new AbortController();
const onSignal = (signal: "SIGHUP" | "SIGINT" | "SIGTERM") => () => {
  if (first.signal.aborted) {
    hard.abort(new InterruptedError(signal));
    try {
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\nA second ${signal}: exiting now. Jobs asked to stop may still be stopping on Tamr; ` +
            "`run --resume` finishes the run (a job it finds stopped by this run is run again).\n",
        ),
      );
    } catch {
      // stderr is gone too: the exit code says it
    }
    Deno.exit(EXIT_CODES[signal]);
  }
  first.abort(new InterruptedError(signal));
};
for (const signal of ["SIGHUP", "SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, onSignal(signal));
}
const onStdoutClosed = () => {
  if (!first.signal.aborted) first.abort(new InterruptedError("SIGPIPE"));
};

const io = createRealIo(first.signal, hard.signal, onStdoutClosed);
let code: number;
try {
  if (asksForRootHelp(Deno.args)) {
    // The common first command answered without loading commander (see help_snapshot.ts).
    io.out(ROOT_HELP);
    code = 0;
  } else {
    const { cli } = await import("./lib/app/program.ts");
    code = await cli(Deno.args, io);
  }
} catch (e) {
  code = e instanceof JournalLockedError ? EXIT_CODES.locked : exitCodeFor(e);
  if (e instanceof UsageError || e instanceof JournalLockedError) {
    io.err(`error: ${e.message}\n${e.hint ? `${e.hint}\n` : ""}`);
  } else if (isMachineError(e)) {
    io.err(`error: ${machineErrorSentence(e)}\n`);
  } else if (e instanceof Error && e.name === "ExitPromptError") {
    // inquirer's answer to Ctrl-C at a prompt: nothing was created.
    code = EXIT_CODES.SIGINT;
    io.err("Cancelled; nothing was created.\n");
  } else if (e instanceof Error && e.name === "AbortPromptError") {
    // A signal (or a closed terminal) while a prompt was open: nothing was created.
    code = exitCodeFor(e.cause);
    io.err("Cancelled; nothing was created.\n");
  } else if (
    e instanceof ApiError || e instanceof JobFailedError || e instanceof JobTimeoutError ||
    e instanceof InterruptedError
  ) {
    io.err(`error: ${e.message}\n`);
  } else {
    io.err(
      `error: unexpected failure (a bug; please report it): ${
        e instanceof Error ? e.stack : String(e)
      }\n`,
    );
  }
}
Deno.exit(code);
