/**
 * Choosing ids: from the ones seen in the tenant's recent jobs, or typed. One picker for a list of
 * ids (sources, destinations), one for a single id (data product, workflow).
 */
import { describeSeenId, type SeenId } from "./recent_ids.ts";
import {
  ANOTHER,
  type CheckboxChoice,
  NONE,
  parseIds,
  type PromptFns,
  type SelectChoice,
} from "./prompt_fns.ts";

export async function askMany(
  p: PromptFns,
  now: number,
  seen: readonly SeenId[] | undefined,
  current: readonly string[],
  q: { message: string; typed: string; another: string; required: boolean },
): Promise<string[]> {
  const validate = (v: string) =>
    !q.required || parseIds(v).length > 0 ||
    "Enter at least one ID (separate several with commas).";
  if (!seen?.length) {
    const text = await p.input({
      message: q.typed,
      ...(current.length ? { default: current.join(", ") } : {}),
      validate,
    });
    return parseIds(text);
  }
  const seenIds = new Set(seen.map((s) => s.id));
  const choices: CheckboxChoice<string | typeof ANOTHER>[] = [
    ...current.filter((id) => !seenIds.has(id)).map((id) => ({
      value: id,
      name: `${id}  (entered earlier)`,
      short: id,
      checked: true,
    })),
    ...seen.map((s) => ({
      value: s.id,
      name: describeSeenId(s, now),
      short: s.id,
      checked: current.includes(s.id),
    })),
    { value: ANOTHER, name: "another id…" },
  ];
  const picked = await p.checkbox({ message: q.message, choices, required: q.required });
  const ids = picked.filter((v): v is string => typeof v === "string");
  if (picked.includes(ANOTHER)) {
    const text = await p.input({
      message: q.another,
      validate: (v) => parseIds(v).length > 0 || "Enter at least one ID.",
    });
    ids.push(...parseIds(text));
  }
  return [...new Set(ids)];
}

export async function askOne(
  p: PromptFns,
  now: number,
  seen: readonly SeenId[] | undefined,
  current: string | undefined,
  q: { message: string; typed: string; noun: string; optional?: boolean },
): Promise<string | undefined> {
  const validate = (v: string) => {
    const id = v.trim();
    if (id === "") return q.optional ? true : `Enter a ${q.noun}.`;
    return !/[\s,]/.test(id) || `Enter one ${q.noun}, without spaces or commas (got "${id}").`;
  };
  const typeIt = async (message: string, def: string | undefined) => {
    const id = (await p.input({ message, ...(def ? { default: def } : {}), validate }))
      .trim();
    return id === "" ? undefined : id;
  };
  if (!seen?.length) return typeIt(q.typed, current);
  type V = string | typeof ANOTHER | typeof NONE;
  const choices: SelectChoice<V>[] = [];
  if (current && !seen.some((s) => s.id === current)) {
    choices.push({ value: current, name: `${current}  (entered earlier)`, short: current });
  }
  for (const s of seen) choices.push({ value: s.id, name: describeSeenId(s, now), short: s.id });
  choices.push({ value: ANOTHER, name: "another id…" });
  if (q.optional) choices.push({ value: NONE, name: "none" });
  const def: V | undefined = current ?? (q.optional ? NONE : undefined);
  const picked = await p.select<V>({
    message: q.message,
    choices,
    ...(def !== undefined ? { default: def } : {}),
  });
  if (picked === NONE) return undefined;
  if (picked === ANOTHER) {
    return typeIt(`${q.typed.replace(/ \(.*\)$/, "")} (another)`, undefined);
  }
  return picked;
}
