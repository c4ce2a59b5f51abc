/**
 * Which journal a run keeps: the one on disk continued (`--resume`), or a new one, over what the
 * file held (refused when it holds an unfinished run of another plan, kept beside it with
 * `--fresh`).
 */
import { UsageError } from "../../kit/errors.ts";
import { type Plan, planFingerprint } from "../../kit/run/plan.ts";
import { type Pacing, pacingOf } from "../pacing.ts";
import type { Io } from "../io.ts";
import { machineError } from "../machine_errors.ts";
import {
  archivePathFor,
  type JournalData,
  type JournalStep,
  newJournal,
  priorSteps,
} from "./journal.ts";
import { noJournalToResume } from "./file.ts";
import { journalText } from "./store.ts";

/** The journal a run starts with, and with `--resume` what it knew of each step. */
export interface ChosenJournal {
  journal: JournalData;
  prior: Map<string, JournalStep> | undefined;
}

/** Where the journal is and what it held, for the plan about to run. */
export interface JournalChoice {
  path: string;
  /** The journal on disk, with its side log merged in; null when there is none. */
  existing: JournalData | null;
  plan: Plan;
  run: { tenant: string; baseUrl: string } & Pacing;
  /** Now, as an RFC 3339 time. */
  now: string;
}

/**
 * The journal on disk, continued: it must be this plan's. What it knew of each step is `prior`;
 * it is no longer finished, and its outcome goes.
 */
export function resumeJournal({ path, existing, plan, run, now }: JournalChoice): ChosenJournal {
  if (!existing) throw noJournalToResume(path);
  if (!isSamePlan(existing, plan, run)) {
    throw new UsageError(
      `The run journal ${path} was written for another plan (${
        planText(existing.plan, existing.baseUrl)
      }), not this one (${planText(plan, run.baseUrl)})${stepsApart(existing.plan, plan)}`,
      {
        hint:
          "Resume with the same sources, data product, workflow and destinations, or drop --resume.",
      },
    );
  }
  const journal: JournalData = {
    ...existing,
    steps: { ...existing.steps },
    history: { ...existing.history },
    finished: false,
    updatedAt: now,
  };
  delete journal.outcome;
  delete journal.partStartedAt;
  const earlierMs = earlierPartsMs(existing);
  if (earlierMs !== undefined) journal.earlierMs = earlierMs;
  return { journal, prior: priorSteps(existing) };
}

/**
 * The time of a journal's parts so far, without the gaps between them: the earlier ones', and
 * the last one's from its start to its last update (its finish, its detach, or the last event
 * before a crash). Undefined for a journal of an older version, which did not say.
 */
function earlierPartsMs(j: JournalData): number | undefined {
  const last = Date.parse(j.updatedAt) - Date.parse(j.partStartedAt ?? "");
  if (!Number.isFinite(last)) return j.earlierMs;
  return (j.earlierMs ?? 0) + Math.max(0, last);
}

/**
 * A new journal for the plan, with the earlier runs' durations. Over an unfinished run it warns
 * (same plan), keeps the old journal beside it (`fresh`), or refuses (another plan). The side
 * log's numbering goes on from the old journal's, so that none of its lines is ever read as new.
 */
export async function startJournal(
  choice: JournalChoice,
  o: {
    fresh: boolean;
    io: Pick<Io, "exists" | "writeTextFile">;
    warn: (message: string) => void;
    resumeCommand: (path: string) => string;
  },
): Promise<ChosenJournal> {
  const { path, existing, plan, run, now } = choice;
  if (existing && !existing.finished) {
    if (o.fresh) {
      const kept = await keepBeside(path, existing, o.io);
      o.warn(
        `Started afresh over an unfinished run: its journal ${path} is kept as ${kept}. ` +
          `To continue that run: ${o.resumeCommand(kept)}`,
      );
    } else if (!isSamePlan(existing, plan, run)) {
      throw new UsageError(
        `The run journal ${path} holds an unfinished run of another plan (${
          planText(existing.plan, existing.baseUrl)
        }, started ${existing.startedAt}), not this one (${planText(plan, run.baseUrl)})${
          stepsApart(existing.plan, plan)
        }`,
        {
          hint: `Nothing was created and the journal is as it was. Continue that run with ` +
            `\`${o.resumeCommand(path)}\`, use another journal with --state FILE, or start ` +
            `afresh with --fresh (the unfinished journal is then kept as ${
              archivePathFor(path, existing.startedAt)
            }).`,
        },
      );
    } else {
      o.warn(
        `An earlier run of this plan did not finish (journal ${path}); starting a new run. ` +
          `Jobs it left running are attached to, not created twice. Use --resume to continue it instead.`,
      );
    }
  }
  const journal = newJournal(plan, run, now, { ...existing?.history }, pacingOf(run));
  if (existing?.idsThrough) journal.idsThrough = existing.idsThrough;
  return { journal, prior: undefined };
}

/** True when `journal` was written for this plan on this base URL. */
function isSamePlan(journal: JournalData, plan: Plan, run: { baseUrl: string }): boolean {
  return journal.fingerprint === planFingerprint(plan) && journal.baseUrl === run.baseUrl;
}

/** A plan in a few words: `5 steps for data product dp on https://acme.tamr.cloud`. */
function planText(plan: Plan, baseUrl: string): string {
  const n = plan.steps.length;
  return `${n} step${n === 1 ? "" : "s"} for data product ${plan.dataProduct} on ${baseUrl}`;
}

/** The steps only one of two plans has, as `: it has load:a, this one has load:b`; or "". */
function stepsApart(theirs: Plan, ours: Plan): string {
  const ids = (p: Plan) => new Set(p.steps.map((s) => s.id));
  const only = (a: Set<string>, b: Set<string>) => {
    const out = [...a].filter((id) => !b.has(id));
    return out.length > 3
      ? `${out.slice(0, 3).join(", ")} and ${out.length - 3} more`
      : out.join(", ");
  };
  const [t, o] = [ids(theirs), ids(ours)];
  const parts = [
    ...(only(t, o) ? [`it has ${only(t, o)}`] : []),
    ...(only(o, t) ? [`this one has ${only(o, t)}`] : []),
  ];
  return parts.length > 0 ? `: ${parts.join(", ")}` : "";
}

/** Copies an unfinished journal beside itself (for `--fresh`), and says where. */
async function keepBeside(
  path: string,
  journal: JournalData,
  io: Pick<Io, "exists" | "writeTextFile">,
): Promise<string> {
  let n = 1;
  let kept = archivePathFor(path, journal.startedAt);
  try {
    while (await io.exists(kept)) kept = archivePathFor(path, journal.startedAt, ++n);
    await io.writeTextFile(kept, journalText(journal));
  } catch (e) {
    throw machineError(e, {
      doing: "keep the unfinished run journal as",
      path: kept,
      instead: "pass --state with another path",
    });
  }
  return kept;
}
