/** The timeline as a Mermaid gantt block: whole step ids, waits and running apart, trouble `crit`. */
import assert from "node:assert/strict";
import type { TimelineEntry } from "../lib/kit/run/timeline.ts";
import {
  ganttDateFormat,
  mermaidGantt,
  mermaidStepName,
  mermaidText,
} from "../lib/app/outputs/mermaid.ts";

const T0 = Date.UTC(2026, 11, 2, 8, 15);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function entry(
  kind: TimelineEntry["kind"],
  target: string,
  times: [number, number | null, number | null],
  more: Partial<TimelineEntry> = {},
): TimelineEntry {
  const [from, run, to] = times;
  return {
    step: `${kind}:${target}`,
    kind,
    target,
    jobId: "job_1",
    outcome: "succeeded",
    createdAt: at(from),
    runningAt: run === null ? null : at(run),
    endedAt: to === null ? null : at(to),
    waitMs: null,
    runMs: null,
    reason: null,
    ...more,
  };
}

const timeline: TimelineEntry[] = [
  entry("load", "s1", [0, 20, 300]),
  entry("load", "crm:eu#1;%%x", [0, 20, 200], { outcome: "failed", reason: "PLANNING_FAILED" }),
  entry("load", "never", [200, null, 210], { outcome: "stopped", reason: "STOPPED_BY_USER" }),
  entry("update", "dp", [300, 300, 900]),
  entry("publish", "d1", [900, 930, null], { outcome: "running" }),
];

/** The task lines of a block: [name, data]. */
const tasks = (block: string) =>
  block.split("\n").filter((l) => /^ {4}\S/.test(l) && l.includes(" :")).map((l) => {
    const at = l.indexOf(" :");
    return [l.slice(4, at), l.slice(at + 2)] as const;
  });

Deno.test("mermaidGantt() writes a gantt block with a section per kind of step, in pipeline order", () => {
  const block = mermaidGantt(timeline, { title: "dp on acme (UTC)", end: T0 + 1_000_000 });
  const lines = block.trimEnd().split("\n");
  assert.equal(lines[0], "```mermaid");
  assert.equal(lines[1], "gantt");
  assert.equal(lines.at(-1), "```");
  assert.ok(lines.includes("    title dp on acme (UTC)"));
  assert.ok(lines.includes("    dateFormat YYYY-MM-DD HH:mm:ss"));
  assert.ok(lines.includes("    axisFormat %H:%M"));
  assert.deepEqual(lines.filter((l) => l.startsWith("    section ")), [
    "    section load",
    "    section update",
    "    section publish",
  ]);
});

Deno.test("mermaidGantt() shows the wait for a slot and the running apart, trouble as crit and in words", () => {
  const block = mermaidGantt(timeline, { end: T0 + 1_000_000 });
  assert.deepEqual(tasks(block), [
    ["load s1 waiting", "active, 2026-12-02 08:15:00, 2026-12-02 08:15:20"],
    ["load s1", "2026-12-02 08:15:20, 2026-12-02 08:20:00"],
    ["load crm∶eu＃1；％％x waiting", "active, 2026-12-02 08:15:00, 2026-12-02 08:15:20"],
    [
      "load crm∶eu＃1；％％x failed PLANNING_FAILED",
      "crit, 2026-12-02 08:15:20, 2026-12-02 08:18:20",
    ],
    [
      "load never waiting stopped STOPPED_BY_USER",
      "crit, active, 2026-12-02 08:18:20, 2026-12-02 08:18:30",
    ],
    // No wait: it ran at once.
    ["update dp", "2026-12-02 08:20:00, 2026-12-02 08:30:00"],
    ["publish d1 waiting", "active, 2026-12-02 08:30:00, 2026-12-02 08:30:30"],
    // Left running: it reaches the run's end.
    ["publish d1", "2026-12-02 08:30:30, 2026-12-02 08:31:40"],
  ]);
});

Deno.test("no task name holds a character Mermaid's gantt grammar reads as syntax", () => {
  const nasty = [
    "a:b",
    "x#y",
    "p;q",
    "100%%",
    "c,d",
    "e`f",
    "tab\there",
    "nl\nhere",
    "load <img>",
    "<b>bold</b>",
    "a &lt; b",
  ];
  const block = mermaidGantt(nasty.map((t, i) => entry("load", t, [i, i + 1, i + 2])));
  for (const [name] of tasks(block)) {
    assert.doesNotMatch(name, /[:#;%,`\n\t<>&]/, name);
  }
  assert.doesNotMatch(block, /[<>&]/, "nothing in the block is read as HTML");
  assert.equal(mermaidStepName({ kind: "load", target: "load <img>" }), "load load ＜img＞");
  assert.equal(mermaidText("a &lt; b"), "a ＆lt； b");
  // Each id still shows whole (only swapped characters differ).
  assert.equal(mermaidStepName({ kind: "load", target: "a:b" }), "load a∶b");
  assert.equal(mermaidText("nl\nhere"), "nl here");
  assert.equal(tasks(block).length, nasty.length * 2);
});

Deno.test("the date format suits the run: milliseconds under a minute, dates over a day", () => {
  assert.deepEqual(ganttDateFormat(30_000), {
    dateFormat: "YYYY-MM-DD HH:mm:ss.SSS",
    axisFormat: "%H:%M:%S",
  });
  assert.equal(ganttDateFormat(5 * 60_000).axisFormat, "%H:%M:%S");
  assert.equal(ganttDateFormat(2 * 3_600_000).axisFormat, "%H:%M");
  assert.equal(ganttDateFormat(2 * 86_400_000).axisFormat, "%m-%d %H:%M");
  const quick = mermaidGantt([entry("load", "s1", [0, 0.25, 1.5])]);
  assert.match(quick, /load s1 :2026-12-02 08:15:00\.250, 2026-12-02 08:15:01\.500/);
});

Deno.test("mermaidGantt() of a run where no step began is empty; without waits, only running", () => {
  assert.equal(mermaidGantt([]), "");
  const short = mermaidGantt(timeline, { waits: false });
  assert.deepEqual(tasks(short).map(([n]) => n), [
    "load s1",
    "load crm∶eu＃1；％％x failed PLANNING_FAILED",
    // A step that never ran keeps its wait: it is all there is of it.
    "load never waiting stopped STOPPED_BY_USER",
    "update dp",
    "publish d1",
  ]);
});
