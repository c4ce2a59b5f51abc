/**
 * `history --output json` lists every step of the plan, those that never began too (skipped
 * behind a failure, not started when interrupted) with null times; an older record, which kept
 * only the steps that began, still reads. A failed step's entry keeps Tamr's message.
 */
import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { parseHistory } from "../lib/app/history/store.ts";
import type { HistoryJsonRun } from "../lib/app/outputs/history_json.ts";
import { appOnSim } from "./_app_on_sim.ts";
import { fakeIo } from "./_io.ts";
import { MINUTE } from "./_pipeline.ts";

async function historyJsonOf(files: Map<string, string>): Promise<HistoryJsonRun[]> {
  let out = "";
  const io = fakeIo(files, { out: (s) => void (out += s) });
  assert.equal(await cli(["history", "--state", "j.json", "--output", "json"], io), 0);
  return JSON.parse(out).runs;
}

Deno.test("history --output json lists the steps skipped behind a failure, with null times", async () => {
  const app = appOnSim({
    durations: { default: MINUTE },
    pendingMs: 300,
    failures: { "load:s2": { reason: "PLANNING_FAILED", message: "Column id is missing" } },
  });
  try {
    const { code } = await app.run();
    assert.equal(code, 1);
    const [run] = await historyJsonOf(app.files);
    assert.deepEqual(run!.steps.map((s) => [s.step, s.outcome]), [
      ["load:s1", "succeeded"],
      ["load:s2", "failed"],
      ["load:s3", "succeeded"],
      ["update:dp", "skipped"],
      ["index:wf", "skipped"],
      ["publish:d1", "skipped"],
      ["publish:d2", "skipped"],
    ]);
    for (const s of run!.steps) {
      const began = s.outcome === "succeeded" || s.outcome === "failed";
      assert.equal(s.waitMs === null, !began, `${s.step} waitMs`);
      assert.equal(s.runMs === null, !began, `${s.step} runMs`);
    }
    // The record keeps the timeline of the steps that began, and every step's outcome.
    const record = parseHistory(app.files.get("j.history.jsonl")!).runs[0]!;
    assert.deepEqual(record.timeline.map((t) => t.step), ["load:s1", "load:s2", "load:s3"]);
    assert.equal(record.steps?.length, 7);
    // With Tamr's reason and message of the failure.
    const failed = record.timeline.find((t) => t.step === "load:s2")!;
    assert.equal(failed.reason, "PLANNING_FAILED");
    assert.equal(failed.message, "Column id is missing");
    assert.equal(record.timeline.find((t) => t.step === "load:s1")!.message, null);
  } finally {
    await app.close();
  }
});

Deno.test("history --output json of an older record without steps lists its timeline", async () => {
  const app = appOnSim({ durations: { default: MINUTE }, pendingMs: 300 });
  try {
    assert.equal((await app.run()).code, 0);
    // As an earlier version wrote it: no `steps`.
    const line = JSON.parse(app.files.get("j.history.jsonl")!.trim());
    delete line.steps;
    app.files.set("j.history.jsonl", JSON.stringify(line) + "\n");
    const [run] = await historyJsonOf(app.files);
    assert.equal(run!.steps.length, 7);
    assert.ok(run!.steps.every((s) => s.outcome === "succeeded" && s.runMs === MINUTE));
  } finally {
    await app.close();
  }
});
