/**
 * `history` fits the terminal: at 40, 60, 80 and 120 columns no line is wider, so no terminal
 * wraps one mid-word; narrow, columns are shortened, then left out. A file or pipe gets 80.
 */
import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { historyText } from "../lib/app/outputs/history_text.ts";
import type { RunRecord } from "../lib/app/history/record.ts";
import { appendRun } from "../lib/app/history/store.ts";
import type { TimelineEntry } from "../lib/kit/run/timeline.ts";
import { fakeIo } from "./_io.ts";

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const DAY = 24 * 3_600_000;
const LONG = "load:customers_from_the_old_crm_export";

function entry(step: string, waitMs: number, runMs: number): TimelineEntry {
  const [kind, target] = step.split(":") as [TimelineEntry["kind"], string];
  return {
    step,
    kind,
    target,
    jobId: `job_${step}`,
    outcome: "succeeded",
    createdAt: new Date(T0).toISOString(),
    runningAt: new Date(T0 + waitMs).toISOString(),
    endedAt: new Date(T0 + waitMs + runMs).toISOString(),
    waitMs,
    runMs,
    reason: null,
  };
}

/** Twelve nights of a plan with a long source id, one that waits for a slot, and a data product. */
const runs: RunRecord[] = Array.from({ length: 12 }, (_, i) => {
  const n = 12 - i;
  return {
    version: 1,
    runId: `run${n}`,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp_customers",
    startedAt: new Date(T0 + n * DAY).toISOString(),
    finishedAt: new Date(T0 + n * DAY + 1_980_000).toISOString(),
    outcome: "succeeded",
    durationMs: 1_980_000 + n * 1000,
    concurrency: 4,
    timeline: [
      entry("load:s1", 90_000, 60_000 * n),
      entry(LONG, 0, 1000 * n),
      entry("update:dp_customers", 0, 20 * 60_000),
    ],
  };
});

/** The words of `text`, each whole, in order. */
const words = (text: string) => text.split(/\s+/).filter((w) => w !== "");

for (const width of [40, 60, 80, 120]) {
  Deno.test(`historyText() at ${width} columns: no line wider, no word broken`, () => {
    const text = historyText(runs, 12, width);
    const lines = text.split("\n");
    for (const line of lines) assert.ok(line.length <= width, `${line.length}: ${line}`);
    // The sentences break between words only: their words are those of the sentence.
    const head = lines.slice(0, lines.indexOf(""));
    assert.deepEqual(
      words(head.join(" ")),
      words("Runs of dp_customers on https://acme.tamr.cloud, newest first:"),
    );
    const legend = lines.slice(lines.findIndex((l) => l.startsWith("trend:")));
    assert.match(legend.join(" "), /× did not succeed, · did not run/);
    // Every run and step has its line.
    assert.equal(lines.filter((l) => /^ {2}(2026-)?12-\d\d /.test(l)).length, 12);
    for (const step of ["load:s1", "update:dp_c", "load:custom"]) {
      assert.ok(lines.some((l) => l.startsWith(`  ${step}`)), step);
    }
  });
}

Deno.test("historyText() narrow: short start times, no slowest step or wait, the newest points", () => {
  const at = (w: number) => historyText(runs, 12, w).split("\n");
  const narrow = at(40);
  assert.ok(narrow.some((l) => /^ {2}started +outcome +total$/.test(l)), narrow.join("\n"));
  assert.ok(narrow.some((l) => /^ {2}12-13 \d\d:00 {2}succeeded {2}33m12s$/.test(l)));
  assert.ok(!narrow.some((l) => l.includes("waited")));
  const s1 = narrow.find((l) => l.startsWith("  load:s1 "))!;
  assert.match(s1, / \S+$/);
  const shownPoints = s1.split(" ").at(-1)!.length;
  assert.ok(shownPoints < 12, s1);
  assert.ok(narrow.some((l) => l.includes(`(the newest ${shownPoints})`)), narrow.join("\n"));
  // 60 columns: full start times and the slowest step.
  assert.ok(
    at(60).some((l) => /^ {2}2026-12-13 \d\d:00:00 {2}succeeded {2}33m12s {2}update:/.test(l)),
  );
  // 120 columns: the long source id whole, the wait column, every point.
  const wide = at(120);
  assert.ok(wide.some((l) => l.startsWith(`  ${LONG} `)));
  assert.ok(wide.some((l) => /^ {2}step +median +p90 +waited +trend$/.test(l)));
  assert.match(wide.find((l) => l.startsWith("  load:s1 "))!, / [▁▂▃▄▅▆▇█]{12}$/);
});

/** `history` in-process, stdout a terminal of `columns` or not; its printed lines. */
async function historyAt(columns: number, terminal: boolean): Promise<string[]> {
  let out = "";
  const files = new Map<string, string>();
  const io = fakeIo(files, {
    terminal: { stdin: terminal, stdout: terminal, columns: () => columns },
    out: (s) => void (out += s),
  });
  for (const r of [...runs].reverse()) await appendRun("/runs/n.history.jsonl", r, io);
  assert.equal(await cli(["history", "--state", "/runs/n.json"], io), 0);
  return out.split("\n");
}

Deno.test("history fits a 40-column terminal; to a pipe it is 80 columns whatever the terminal", async () => {
  const term = await historyAt(40, true);
  assert.ok(term.every((l) => l.length <= 40), term.join("\n"));
  const piped = await historyAt(40, false);
  assert.ok(piped.some((l) => l.length > 40 && l.length <= 80), piped.join("\n"));
  assert.ok(piped.every((l) => l.length <= 80));
});

Deno.test("historyText() narrow: two runs in the same minute keep their seconds, so they differ", () => {
  const twice = [runs[0]!, {
    ...runs[1]!,
    startedAt: new Date(Date.parse(runs[0]!.startedAt) + 20_000).toISOString(),
  }];
  const lines = historyText(twice, 2, 40).split("\n");
  const starts = lines.filter((l) => /^ {2}12-\d\d /.test(l)).map((l) =>
    l.trim().split(/\s+/).slice(0, 2).join(" ")
  );
  assert.equal(starts.length, 2, lines.join("\n"));
  assert.notEqual(starts[0], starts[1]);
  assert.match(starts[0]!, /^12-\d\d \d\d:\d\d:\d\d$/);
  for (const line of lines) assert.ok(line.length <= 40, line);
});
