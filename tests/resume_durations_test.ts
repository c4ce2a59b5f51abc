/**
 * A job watched again after a detach, that ended while no one looked: its duration in the finish
 * event is Tamr's own (creation to DONE, as the timeline says), not the time until the resumed run
 * noticed it; and it is never "slower than usual" for the time it was already done.
 */
import assert from "node:assert/strict";
import type { StepEvent } from "../lib/kit/run/events.ts";
import { createRunStore } from "../lib/kit/run/run_store.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import { appOnSim, finishOf } from "./_app_on_sim.ts";
import { parseHistory } from "../lib/app/history/store.ts";
import { formatDuration } from "../lib/kit/duration.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { summaryLines } from "../tui/_summary.ts";
import { endView } from "../lib/app/outputs/end_view.ts";
import { stepSummaryMarkdown } from "../lib/app/outputs/github.ts";
import { MINUTE } from "./_pipeline.ts";

const DURATIONS = { default: 2 * MINUTE, "load:s1": 5 * MINUTE, "update:dp": 10 * MINUTE };

Deno.test("after a detach, a resumed job's duration is Tamr's, and it is not slower than usual", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: 300 });
  try {
    assert.equal((await app.run()).code, 0); // a run before: each step's usual duration is known
    const first = await app.interruptedWhileDpRuns({ leaveRunning: true });
    assert.equal(first.code, 130);
    await app.clock.run(() => app.clock.sleep(60 * MINUTE)); // the data product ends meanwhile
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const finish = finishOf(second.events);
    const dp = finish.steps.find((s) => s.step === "update:dp")!;
    const t = finish.timeline!.find((t) => t.step === "update:dp")!;
    assert.equal(dp.durationMs, 10 * MINUTE + 300, "Tamr's time: waiting and running");
    assert.equal(dp.durationMs, Date.parse(t.endedAt!) - Date.parse(t.createdAt!));
    assert.deepEqual(
      second.events.filter((e) => e.type === "warning" && /usual/.test(e.message)),
      [],
    );
    let text = "";
    const store = createRunStore();
    store.subscribe(createTextReporter((s) => (text += s)));
    for (const e of second.events) store.emit(e);
    const dpLines = text.split("\n").filter((l) => l.includes("update:dp"));
    assert.ok(dpLines.some((l) => /running.*usually/.test(l)), dpLines.join("\n"));
    const slow = dpLines.filter((l) => /slower than usual|took longer/.test(l));
    assert.deepEqual(slow, [], "the job ran its usual time");
    const row = text.split("\n").find((l) => /^update:dp\s/.test(l))!;
    assert.match(row, /\s10m00s$/, row);
    const resumed = second.events.find((e): e is StepEvent =>
      e.type === "step" && e.step === "update:dp" && e.state === "running"
    );
    assert.ok(resumed?.attached);
  } finally {
    await app.close();
  }
});

Deno.test("a resumed run's last line gives the whole run's time, as history does, and this part's", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: 300 });
  try {
    const first = await app.interruptedWhileDpRuns({ leaveRunning: true });
    assert.equal(first.code, 130);
    await app.clock.run(() => app.clock.sleep(60 * MINUTE));
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const [record] = parseHistory(app.files.get("j.history.jsonl")!).runs;
    const start = second.events[0]!;
    assert.ok(start.type === "start" && start.earlierMs! > 0, "the start says the earlier part");
    const finish = finishOf(second.events);
    const part = Date.parse(finish.time) - Date.parse(start.time);
    assert.ok(record!.durationMs > part, "the whole run is longer than this part");
    assert.equal(start.earlierMs! + part, record!.durationMs, "the same total as history");
    const took = `in ${formatDuration(record!.durationMs)} (this part ${formatDuration(part)})`;
    let text = "";
    const store = createRunStore();
    store.subscribe(createTextReporter((s) => (text += s)));
    for (const e of second.events) store.emit(e);
    assert.match(text, new RegExp(`\\nRun succeeded ${escape(took)} \\(exit 0\\)`));
    const state = foldEvents(second.events);
    const summary = summaryLines(state, 200).map((l) =>
      l.kind === "text" ? l.parts.map((p) => p.text).join("") : ""
    );
    assert.match(summary[0]!, new RegExp(`^✔ Refresh succeeded ${escape(took)} · `));
    assert.ok(stepSummaryMarkdown(endView(state, finish)).includes(took));
    // A run in one part says its time alone.
    const third = await app.run();
    const one = foldEvents(third.events);
    assert.equal(one.earlierMs, null);
    assert.doesNotMatch(
      summaryLines(one, 200).map((l) =>
        l.kind === "text" ? l.parts.map((p) => p.text).join("") : ""
      )[0]!,
      /this part/,
    );
  } finally {
    await app.close();
  }
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
