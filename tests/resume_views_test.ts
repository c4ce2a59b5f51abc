/**
 * What a resumed run shows of the steps its earlier part finished: their real times (began,
 * ended, the job's phases) in the finish event's durations and timeline, and the expected end
 * counting them as done. The `run` command on virtual time against the in-process tenant.
 */
import assert from "node:assert/strict";
import { parseHistory } from "../lib/app/history/store.ts";
import { parseJournal } from "../lib/app/journal/journal.ts";
import { InterruptedError } from "../lib/kit/errors.ts";
import { awaitRunEnd } from "../lib/app/commands/_run_views.ts";
import { runEta } from "../lib/kit/run/eta.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { appOnSim, dpRunning, DURATIONS, finishOf } from "./_app_on_sim.ts";
import { MINUTE } from "./_pipeline.ts";

const LOADS = ["load:s1", "load:s2", "load:s3"];

Deno.test("--resume shows the steps finished before with their real times, and counts them done in the ETA", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: 300 });
  try {
    assert.equal((await app.run()).code, 0); // a run before: each step's usual duration is known
    const first = await app.interruptedWhileDpRuns();
    assert.equal(first.code, 130);
    await app.clock.run(() => app.clock.sleep(60 * MINUTE));
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const [before, after] = [finishOf(first.events), finishOf(second.events)];
    for (const step of LOADS) {
      const was = before.steps.find((s) => s.step === step)!;
      const now = after.steps.find((s) => s.step === step)!;
      assert.ok(was.durationMs! > 0);
      assert.equal(now.durationMs, was.durationMs, `${step}: its duration then, not 0`);
      assert.deepEqual(
        after.timeline!.find((t) => t.step === step),
        before.timeline!.find((t) => t.step === step),
        `${step}: its timeline entry as the earlier part saw it`,
      );
    }
    // The expected end said at the start counts only what is left: not the loads.
    const start = Date.parse(second.events[0]!.time);
    const seeded = second.events.findLastIndex((e) =>
      e.type === "step" && LOADS.includes(e.step) && e.state === "succeeded"
    );
    const left = runEta(foldEvents(second.events.slice(0, seeded + 1)), start);
    const eta = second.events.find((e) => (e as { type: string }).type === "eta") as unknown as {
      remainingMs: number;
    };
    assert.equal(eta.remainingMs, left.remainingMs);
    assert.ok(left.remainingMs! < 30 * MINUTE, "the data product, the index and publishes");
  } finally {
    await app.close();
  }
});

Deno.test("after a detach, --resume records the loads' real wait and run, and the parts' time without the gap", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: 300 });
  try {
    // A detach leaves the jobs running and the journal on disk, with no finish and no record:
    // the journal as it was while the data product ran, the run then left to go on without us.
    let left = new Map<string, string>();
    const first = await app.run({ leaveRunning: true }, {
      during: async (events, abort) => {
        await app.clock.until(() => {
          const j = app.files.get("j.json");
          return dpRunning(events) && j !== undefined &&
            LOADS.every((s) => parseJournal(j, "j.json").steps[s]?.outcome === "succeeded");
        }, "the data product running, the loads journaled");
        left = new Map([...app.files].filter(([path]) => !/\.lock$|history/.test(path)));
        abort(new InterruptedError("SIGINT"));
      },
    });
    assert.equal(first.code, 130);
    app.files.clear();
    for (const [path, text] of left) app.files.set(path, text);
    const journal = parseJournal(left.get("j.json")!, "j.json");
    const firstPart = Date.parse(journal.updatedAt) - Date.parse(journal.partStartedAt!);
    await app.clock.run(() => app.clock.sleep(60 * MINUTE)); // the data product ends meanwhile
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const [record, ...others] = parseHistory(app.files.get("j.history.jsonl")!).runs;
    assert.deepEqual(others, []);
    for (const step of LOADS) {
      const t = record!.timeline.find((t) => t.step === step)!;
      assert.equal(t.waitMs, 300, `${step} waited for its slot`);
      assert.equal(t.runMs, DURATIONS[step as keyof typeof DURATIONS], `${step} ran`);
    }
    const start2 = Date.parse(second.events[0]!.time);
    assert.equal(
      record!.durationMs,
      firstPart + Date.parse(finishOf(second.events).time) - start2,
      "both parts' time, not the hour between them",
    );
  } finally {
    await app.close();
  }
});

Deno.test("a detach ends this part of the run in the journal before it is flushed", async () => {
  const calls: string[] = [];
  const journal = {
    detach: () => void calls.push("detach"),
    flush: () => Promise.resolve(void calls.push("flush")),
    finish: () => Promise.resolve(void calls.push("finish")),
  };
  const code = await awaitRunEnd(
    new Promise(() => {}),
    Promise.resolve({ detached: true }),
    journal,
  );
  assert.equal(code, 0);
  assert.deepEqual(calls, ["detach", "flush"]);
});

Deno.test("the expected end of a resume counts the job it watches again as running since it began", async () => {
  const app = appOnSim({ durations: DURATIONS, pendingMs: 300 });
  try {
    assert.equal((await app.run()).code, 0); // a run before: each step's usual duration is known
    const first = await app.interruptedWhileDpRuns({ leaveRunning: true }, {
      afterMs: 15 * MINUTE,
    });
    assert.equal(first.code, 130);
    const second = await app.run({ resume: true });
    assert.equal(second.code, 0);
    const eta = second.events.find((e) => (e as { type: string }).type === "eta") as unknown as {
      remainingMs: number;
    };
    // 15 of its usual 20 minutes gone: about 5 left, then the index (4) and publishes (3).
    assert.ok(eta.remainingMs < 10 * MINUTE, `expected end in ${eta.remainingMs / MINUTE} min`);
  } finally {
    await app.close();
  }
});
