/**
 * `run --resume` alone: the run journals in the default folder that can be continued (cut off,
 * interrupted or failed), so the one there is can be continued without its path, and several are
 * listed to choose from.
 */
import { UsageError } from "../../kit/errors.ts";
import { shellQuote } from "../shell.ts";
import type { JournalData } from "./journal.ts";
import { stateDir } from "./journal.ts";
import { readJournal } from "./file.ts";
import type { Io } from "../io.ts";

/** The effects finding journals needs. */
export type FindIo = Pick<Io, "env" | "exists" | "readTextFile"> & {
  listFiles?: ((dir: string) => Promise<string[]>) | undefined;
};

/** The unfinished journals in the default folder, newest first. Unreadable ones are passed over. */
export async function unfinishedJournals(
  io: FindIo,
): Promise<{ path: string; journal: JournalData }[]> {
  const dir = stateDir(io.env);
  const names = (await io.listFiles?.(dir)) ?? [];
  const found: { path: string; journal: JournalData }[] = [];
  for (const name of names.filter((n) => /\.json$/.test(n)).sort()) {
    const path = `${dir}/${name}`;
    const journal = await readJournal(path, io).catch((e: unknown) => {
      if (e instanceof UsageError) return null; // not a journal, or damaged: not one to resume
      throw e;
    });
    // Not finished (cut off), or finished without success (interrupted, failed): worth resuming.
    if (journal && !(journal.finished && journal.outcome === "succeeded")) {
      found.push({ path, journal });
    }
  }
  return found.sort((a, b) => b.journal.startedAt.localeCompare(a.journal.startedAt));
}

/**
 * The one unfinished journal to resume (of those on `baseUrl`, when the settings name a tenant);
 * a UsageError when there is none, or several.
 */
export async function theUnfinishedJournal(
  io: FindIo,
  where: { baseUrl?: string | undefined } = {},
): Promise<string> {
  const all = await unfinishedJournals(io);
  const found = where.baseUrl === undefined
    ? all
    : all.filter((f) => f.journal.baseUrl === where.baseUrl);
  if (found.length === 1) return found[0]!.path;
  const dir = stateDir(io.env);
  if (found.length === 0 && all.length > 0) throw onOtherTenants(where.baseUrl!, dir, all);
  if (found.length === 0) {
    throw new UsageError(`There is no unfinished run to resume in ${dir}`, {
      hint: "Pass the --state file the interrupted run printed, or the plan's flags.",
    });
  }
  const lines = found.map(stateLine);
  throw new UsageError(
    `There are ${found.length} runs to continue in ${dir}; say which to resume:\n${
      lines.join("\n")
    }`,
    { hint: "Run again with --resume and one of the --state options above." },
  );
}

/** One journal to resume, as a line of a list: its `--state` option and its plan. */
function stateLine({ path, journal }: { path: string; journal: JournalData }): string {
  return `  --state ${shellQuote(path)}   ${journal.plan.dataProduct} on ${journal.baseUrl}, ` +
    `${journal.plan.steps.length} steps, started ${journal.startedAt}`;
}

/** Unfinished runs there are, but none on the tenant the settings name. */
function onOtherTenants(
  baseUrl: string,
  dir: string,
  others: { path: string; journal: JournalData }[],
): UsageError {
  const n = others.length;
  return new UsageError(
    `There is no unfinished run on ${baseUrl} to resume in ${dir}; ` +
      `${n === 1 ? "the one there is" : `the ${n} there are`} on another tenant:\n` +
      others.map(stateLine).join("\n"),
    {
      hint: `${baseUrl} comes from --base-url, --tenant, TAMR_BASE_URL or TAMR_TENANT ` +
        `(or the config file): to continue a run above, pass its --state option.`,
    },
  );
}
