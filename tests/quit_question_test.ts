/** The dashboard's quit question counts only the jobs quitting stops, not another run's. */
import assert from "node:assert/strict";
import { startOfPlan } from "./_events.ts";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { footer } from "../tui/_footer.ts";

const plan = buildPlan({ sources: ["a1", "a2", "a3", "b1"], dataProduct: "dp" });
const time = "2026-12-02T09:00:00.000Z";

function question(otherRun: string[]): string {
  const events: RunEvent[] = [startOfPlan(plan, { time, concurrency: 4 })];
  for (const [i, id] of ["a1", "a2", "a3", "b1"].entries()) {
    events.push({
      type: "step",
      time,
      step: `load:${id}`,
      kind: "load",
      target: id,
      state: "running",
      jobId: `job_${i}`,
      ...(otherRun.includes(id) ? { attached: true, otherRun: true } : {}),
    });
  }
  const lines = footer(foldEvents(events), "confirm-quit", false, false, 100, false);
  return lines.map((l) => l.kind === "text" ? l.parts.map((p) => p.text).join("") : "").join("\n");
}

Deno.test("the quit question counts the jobs it stops and says another run's keep running", () => {
  assert.equal(question([]), "Stop 4 running jobs and quit? y/n");
  assert.equal(
    question(["a1", "a2", "a3"]),
    "Stop 1 running job (3 jobs of another run keep running) and quit? y/n",
  );
  assert.equal(
    question(["a1", "a2", "a3", "b1"]),
    "Quit (4 jobs of another run keep running)? y/n",
  );
});
