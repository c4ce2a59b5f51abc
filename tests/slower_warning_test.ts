/**
 * The "slower than usual" warning: its two durations never look the same after rounding, and it
 * reads with the step's id once wherever a view puts the id in front (text output, dashboard).
 */
import assert from "node:assert/strict";
import type { Job } from "../lib/kit/api/types.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { durationsApart } from "../lib/kit/duration_apart.ts";
import { slowWatch } from "../lib/kit/run/slower_than_usual.ts";
import { createRunStore, foldEvents } from "../lib/kit/run/run_store.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import { notice } from "../tui/_notice.ts";
import { runPhaseOf } from "../tui/_run_phase.ts";
import { start } from "./_events.ts";

Deno.test("durationsApart() adds decimals only when the usual text shows the same value", () => {
  assert.deepEqual(durationsApart(10_400, 9_960), ["10.4s", "10.0s"]); // not "10s" and "10.0s"
  assert.deepEqual(durationsApart(10_400, 10_000), ["10.4s", "10.0s"]);
  assert.deepEqual(durationsApart(10_400, 9_900), ["10s", "9.9s"]);
  assert.deepEqual(durationsApart(390_000, 300_000), ["6m30s", "5m00s"]);
  assert.deepEqual(durationsApart(540_400, 540_000), ["9m00.4s", "9m00.0s"]);
  assert.deepEqual(durationsApart(3_725_000, 3_724_000), ["1h02m05s", "1h02m04s"]);
  assert.deepEqual(durationsApart(3_725_000, 3_660_000), ["1h02m", "1h01m"]);
});

/** The warning `slowWatch()` says for a step whose p90 is `p90Ms`, once it has run `elapsedMs`. */
function warningAt(step: string, p90Ms: number, elapsedMs: number): RunEvent {
  let now = 0;
  let said: RunEvent | undefined;
  const watch = slowWatch({ samples: 3, medianMs: p90Ms * 0.9, p10Ms: 0, p90Ms }, {
    attached: false,
    now: () => now,
    warn: (message, jobId) =>
      said = { type: "warning", time: new Date(now).toISOString(), step, jobId, message },
  });
  now = elapsedMs;
  watch({ jobId: "job_1", status: { state: "RUNNING" } } as Job);
  assert.ok(said, "the warning was said");
  return said;
}

Deno.test("the slow warning's durations differ after rounding: 10.4s against 10.0s", () => {
  const w = warningAt("update:dp", 9_960, 10_400);
  assert.equal(
    w.type === "warning" && w.message,
    "Slower than usual: running for 10.4s, while 90% of earlier runs took at most 10.0s.",
  );
});

Deno.test("the slow warning names its step once in the text output and the dashboard's notice", () => {
  const w = warningAt("update:dp", 9_960, 10_400);
  const events: RunEvent[] = [start(["load:s1", "update:dp"]), w];
  let text = "";
  const store = createRunStore();
  store.subscribe(createTextReporter((s) => (text += s)));
  for (const e of events) store.emit(e);
  const line = text.split("\n").find((l) => l.includes("warning"))!;
  assert.match(line, /warning: update:dp: Slower than usual: running for 10\.4s/);
  assert.equal(line.split("update:dp").length, 2, line);
  const state = foldEvents(events);
  const shown = notice(state, 200, 3, runPhaseOf(state, false)).map((l) =>
    l.kind === "text" ? l.parts.map((p) => p.text).join("") : ""
  ).join(" ");
  assert.match(shown, /^⚠ update:dp: Slower than usual: running for 10\.4s/);
  assert.equal(shown.split("update:dp").length, 2, shown);
});
