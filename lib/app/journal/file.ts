/** Where a run's journal file is, and reading it. */
import { UsageError } from "../../kit/errors.ts";
import type { Io } from "../io.ts";
import { defaultJournalPath, type JournalData } from "./journal.ts";
import { parseJournal } from "./schema.ts";

/** A journal read from disk, and where: read once per run, then handed to who needs it. */
export interface LoadedJournal {
  path: string;
  journal: JournalData;
}

/** Where this run's journal lives: `--state`, or a default path per tenant and data product. */
export function journalPath(
  flags: { state?: string | undefined },
  env: Record<string, string | undefined>,
  tenant: string,
  dataProduct: string,
): string {
  return flags.state ?? defaultJournalPath(env, tenant, dataProduct);
}

/** Reads the journal at `path`, or null when there is none. */
export async function readJournal(
  path: string,
  io: Pick<Io, "exists" | "readTextFile">,
): Promise<JournalData | null> {
  if (!(await io.exists(path))) return null;
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read the run journal ${path}: ${(e as Error).message}`, {
      hint: "Pass --state with a readable journal file.",
    });
  }
  return parseJournal(text, path);
}

/** `--resume` with no journal at `path`. */
export function noJournalToResume(path: string): UsageError {
  return new UsageError(`There is no run journal to resume at ${path}`, {
    hint: "Pass the --state file the interrupted run printed, or run without --resume.",
  });
}
