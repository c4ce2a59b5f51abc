/**
 * The output's heartbeat: while nothing happens (the twenty minutes of a data product), a line now
 * and then on stdout, which is also how a reader that went away (`| head`) is noticed while the
 * jobs still run: they are stopped then, not when they end.
 */
import assert from "node:assert/strict";
import { InterruptedError } from "../lib/kit/errors.ts";
import { JSON_HEARTBEAT_MS, progressText } from "../lib/app/outputs/heartbeat.ts";
import { createRunStore } from "../lib/kit/run/run_store.ts";
import { appOnSim, DURATIONS } from "./_app_on_sim.ts";

Deno.test("--output json: a progress line after each minute without an event, naming what runs", async () => {
  const app = appOnSim({ pendingMs: 300, durations: DURATIONS });
  try {
    const { code, events } = await app.run();
    assert.equal(code, 0);
    const progress = events.filter((e) => (e.type as string) === "progress") as unknown as {
      time: string;
      running: string[];
      ended: number;
      steps: number;
    }[];
    // The data product alone runs 20 minutes: about one line a minute, each naming it.
    const dp = progress.filter((p) => p.running.length === 1 && p.running[0] === "update:dp");
    assert.ok(dp.length >= 17 && dp.length <= 20, `${dp.length} lines while the data product ran`);
    assert.ok(dp.every((p) => p.ended === 3 && p.steps === 7), JSON.stringify(dp[0]));
    // Never two lines less than a minute apart, nor a line within a minute of an event.
    const times = events.map((e) => Date.parse(e.time));
    for (const [i, e] of events.entries()) {
      if ((e.type as string) !== "progress") continue;
      assert.ok(times[i]! - times[i - 1]! >= JSON_HEARTBEAT_MS, `line ${i} too soon`);
    }
    assert.equal(events.at(-1)!.type, "finish", "the last line is still the finish");
  } finally {
    await app.close();
  }
});

Deno.test("a reader of stdout gone while the data product runs is noticed within a minute: the job is stopped, exit 141", async () => {
  const app = appOnSim({ pendingMs: 300, stoppingMs: 300, durations: DURATIONS });
  try {
    let gone = false;
    let goneAt = 0;
    let abort: (reason: unknown) => void = () => {};
    const lines: string[] = [];
    const { code } = await app.run({}, {
      io: {
        // As the real stdout does: a write to a pipe whose reader went away is an interrupt.
        out: (t) => {
          if (gone) abort(new InterruptedError("SIGPIPE"));
          else lines.push(t);
        },
      },
      during: async (_events, stop) => {
        abort = stop;
        const dpRuns = (l: string) =>
          l.includes('"step":"update:dp"') && l.includes('"state":"running"');
        await app.clock.until(() => lines.some(dpRuns), "the data product running");
        gone = true;
        goneAt = app.clock.now();
      },
    });
    assert.equal(code, 141);
    const dp = app.sim.creates().find((j) => "update" in j.configuration)!;
    assert.equal(dp.status.error?.reason, "STOPPED_BY_USER", "the data product's job was stopped");
    const stopped = Date.parse(dp.status.stateStartTime!);
    assert.ok(
      stopped - goneAt <= JSON_HEARTBEAT_MS + 1_000,
      `stopped ${stopped - goneAt} ms later`,
    );
  } finally {
    await app.close();
  }
});

Deno.test("the plain heartbeat line says what runs and how far the run is", () => {
  const store = createRunStore();
  const line = progressText(store.state, Date.UTC(2026, 11, 2, 14, 5, 0));
  assert.match(line, /^\d\d:\d\d:\d\d still running: waiting for a slot \(0 of 0 steps ended\)\n$/);
});
