/**
 * Choosing ids: from the ones seen in the tenant's recent jobs, or typed. One picker for a list of
 * ids (sources, destinations), one for a single id (data product, workflow).
 *
 * No picker can trap: a list is ticked in a checkbox that holds only ids (so "a", select all,
 * selects ids and nothing else), then other ids may be typed, Enter for none; when a required list
 * ends up empty, the checkbox comes back saying what is needed. "another id…" of a single id
 * goes back to the list when nothing is typed.
 */
import { isId } from "../lib/app/settings/config.ts";
import { describeSeenId, type SeenId } from "./recent_ids.ts";
import {
  ANOTHER,
  type CheckboxChoice,
  NONE,
  parseIds,
  type PromptFns,
  type SelectChoice,
} from "./prompt_fns.ts";

/**
 * The validator of a typed list of ids: true, or what is wrong. `required`: at least one id.
 * Ids are separated by commas, as everywhere (`--source s1,s2`).
 */
export function validateIds(required: boolean, noun: string) {
  return (text: string): true | string => {
    const ids = parseIds(text);
    if (ids.length === 0) {
      return required ? `Enter at least one ${noun} (separate several with commas).` : true;
    }
    const bad = ids.find((id) => !isId(id));
    if (bad === undefined) return true;
    return `${JSON.stringify(bad)} is not one ID: IDs have no spaces or control characters; ` +
      `separate several with commas.`;
  };
}

export async function askMany(
  p: PromptFns,
  now: number,
  seen: readonly SeenId[] | undefined,
  current: readonly string[],
  q: { message: string; typed: string; another: string; required: boolean; noun: string },
): Promise<string[]> {
  if (!seen?.length) {
    const text = await p.input({
      message: q.typed,
      ...(current.length ? { default: current.join(", ") } : {}),
      validate: validateIds(q.required, q.noun),
    });
    return parseIds(text);
  }
  const seenIds = new Set(seen.map((s) => s.id));
  let ticked = new Set(current);
  for (let round = 0;; round++) {
    const choices: CheckboxChoice<string>[] = [
      ...current.filter((id) => !seenIds.has(id)).map((id) => ({
        value: id,
        name: `${id}  (entered earlier)`,
        short: id,
        checked: ticked.has(id),
      })),
      ...seen.map((s) => ({
        value: s.id,
        name: describeSeenId(s, now),
        short: s.id,
        checked: ticked.has(s.id),
      })),
    ];
    const picked = await p.checkbox({
      message: round === 0
        ? q.message
        : `${q.message}: at least one is needed (space ticks it, or Enter and type its ID)`,
      choices,
    });
    const text = await p.input({
      message: `${q.another} (comma-separated; Enter for none)`,
      validate: validateIds(false, q.noun),
    });
    const ids = [...new Set([...picked, ...parseIds(text)])];
    if (ids.length > 0 || !q.required) return ids;
    ticked = new Set();
  }
}

export async function askOne(
  p: PromptFns,
  now: number,
  seen: readonly SeenId[] | undefined,
  current: string | undefined,
  q: { message: string; typed: string; noun: string; optional?: boolean },
): Promise<string | undefined> {
  const validate = (empty: true | string) => (v: string) => {
    const id = v.trim();
    if (id === "") return empty;
    return isId(id) || `Enter one ${q.noun}, without spaces or commas (got ${JSON.stringify(id)}).`;
  };
  if (!seen?.length) {
    const id = (await p.input({
      message: q.typed,
      ...(current ? { default: current } : {}),
      validate: validate(q.optional ? true : `Enter a ${q.noun}; it is required.`),
    })).trim();
    return id === "" ? undefined : id;
  }
  type V = string | typeof ANOTHER | typeof NONE;
  const choices: SelectChoice<V>[] = [];
  if (current && !seen.some((s) => s.id === current)) {
    choices.push({ value: current, name: `${current}  (entered earlier)`, short: current });
  }
  for (const s of seen) choices.push({ value: s.id, name: describeSeenId(s, now), short: s.id });
  choices.push({ value: ANOTHER, name: "another id…" });
  if (q.optional) choices.push({ value: NONE, name: "none" });
  const def: V | undefined = current ?? (q.optional ? NONE : undefined);
  for (;;) {
    const picked = await p.select<V>({
      message: q.message,
      choices,
      ...(def !== undefined ? { default: def } : {}),
    });
    if (picked === NONE) return undefined;
    if (picked !== ANOTHER) return picked;
    const id = (await p.input({
      message: `${q.typed.replace(/ \(.*\)$/, "")} (another; Enter to go back to the list)`,
      validate: validate(true),
    })).trim();
    if (id !== "") return id;
  }
}
