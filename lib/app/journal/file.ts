/** Where a run's journal file is, and reading it. */
import { UsageError } from "../../kit/errors.ts";
import type { Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import { defaultJournalPath, type JournalData } from "./journal.ts";
import { parseJournal } from "./schema.ts";
import { mergeSideLog, parseSideLog, sideLogPathOf } from "./side_log.ts";

/** A journal read from disk, and where: read once per run, then handed to who needs it. */
export interface LoadedJournal {
  path: string;
  journal: JournalData;
}

/** Where this run's journal lives: `--state`, or a default path per base URL and data product. */
export function journalPath(
  flags: { state?: string | undefined },
  env: Record<string, string | undefined>,
  baseUrl: string,
  dataProduct: string,
): string {
  return flags.state ?? defaultJournalPath(env, baseUrl, dataProduct);
}

/**
 * Reads the journal at `path`, or null when there is none, with the new job ids of its side log
 * (`<path>.ids`) that it does not hold yet merged in. A path that cannot be read (a file on the
 * way, a folder at the end, no permission) is a UsageError saying why.
 */
export async function readJournal(
  path: string,
  io: Pick<Io, "exists" | "readTextFile">,
): Promise<JournalData | null> {
  const text = await readIfThere(path, io);
  if (text === null) return null;
  const journal = parseJournal(text, path);
  const sideLog = await readIfThere(sideLogPathOf(path), io);
  return sideLog === null ? journal : mergeSideLog(journal, parseSideLog(sideLog));
}

/** The text of the file at `path` (the journal or its side log), or null when there is none. */
async function readIfThere(
  path: string,
  io: Pick<Io, "exists" | "readTextFile">,
): Promise<string | null> {
  try {
    return (await io.exists(path)) ? await io.readTextFile(path) : null;
  } catch (e) {
    throw machineError(e, {
      doing: "read the run journal",
      path,
      instead: "pass --state with another path",
      hint: "Pass --state with a readable journal file.",
    });
  }
}

/** `--resume` with no journal at `path`; `older` is where an older version kept it, if there. */
export function noJournalToResume(path: string, older?: string): UsageError {
  return new UsageError(`There is no run journal to resume at ${path}`, {
    hint: older
      ? `An older tamr-refresh kept this plan's journal at ${older}: resume it with --state ${older}.`
      : "Pass the --state file the interrupted run printed, or run without --resume.",
  });
}
