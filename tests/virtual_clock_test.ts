import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { VIRTUAL_EPOCH, VirtualClock } from "../lib/sim/virtual_clock.ts";

Deno.test("VirtualClock fires sleeps in order of due time, then of creation, at their time", async () => {
  const clock = new VirtualClock();
  const fired: string[] = [];
  const sleeper = (name: string, ms: number) =>
    clock.sleep(ms).then(() => fired.push(`${name}@${clock.now() - VIRTUAL_EPOCH}`));
  await clock.run(() =>
    Promise.all([
      sleeper("c", 300),
      sleeper("a", 100),
      sleeper("b1", 200),
      sleeper("b2", 200),
      sleeper("zero", 0),
      sleeper("negative", -5),
    ])
  );
  assert.deepEqual(fired, ["zero@0", "negative@0", "a@100", "b1@200", "b2@200", "c@300"]);
  assert.equal(clock.now(), VIRTUAL_EPOCH + 300);
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualClock runs an hour of sleeps that chain on each other in no real time", async () => {
  const clock = new VirtualClock({ start: 1_000 });
  const value = await clock.run(async () => {
    for (let i = 0; i < 3_600; i++) await clock.sleep(1_000);
    return "done";
  });
  assert.equal(value, "done");
  assert.equal(clock.now(), 1_000 + 3_600_000);
  assert.equal(clock.fired, 3_600);
});

Deno.test("VirtualClock.sleep() rejects with the signal's reason on abort and leaves the queue", async () => {
  const clock = new VirtualClock();
  const controller = new AbortController();
  const reason = new Error("stop");
  const results = await clock.run(() =>
    Promise.allSettled([
      clock.sleep(1_000, controller.signal),
      clock.sleep(10).then(() => {
        controller.abort(reason);
        return clock.now() - VIRTUAL_EPOCH;
      }),
    ])
  );
  assert.deepEqual(results, [
    { status: "rejected", reason },
    { status: "fulfilled", value: 10 },
  ]);
  assert.equal(clock.now(), VIRTUAL_EPOCH + 10, "the aborted sleep never moved time on");
  assert.equal(clock.pending, 0);
  const already = AbortSignal.abort(reason);
  await assert.rejects(clock.sleep(5, already), (e) => e === reason);
  assert.equal(clock.pending, 0, "an aborted signal queues nothing");
});

Deno.test("VirtualClock.run() returns the work's value or throws its error, and takes a promise", async () => {
  const clock = new VirtualClock();
  assert.equal(await clock.run(clock.sleep(5).then(() => 42)), 42);
  const failure = new Error("boom");
  await assert.rejects(
    clock.run(async () => {
      await clock.sleep(5);
      throw failure;
    }),
    (e) => e === failure,
  );
  assert.equal(clock.now(), VIRTUAL_EPOCH + 10);
});

Deno.test("VirtualClock.run() reports a deadlock instead of hanging", async () => {
  const clock = new VirtualClock();
  // Work on a real 0 ms timer is not a deadlock: it is looked for before one is reported.
  assert.equal(
    await clock.run(() => new Promise((resolve) => setTimeout(() => resolve("late"), 0))),
    "late",
  );
  const never = new Promise<void>(() => {});
  await assert.rejects(
    clock.run(async () => {
      await clock.sleep(1_000);
      await never;
    }),
    /deadlock at 2026-01-01T00:00:01\.000Z: the work is not done, nothing is happening and no timer is queued/,
  );
});

Deno.test("VirtualClock.run() lets work that takes a few macrotask turns finish before moving time on", async () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  await clock.run(async () => {
    const late = clock.sleep(100).then(() => order.push("sleep 100"));
    // Work that takes a few macrotask turns, then asks for an earlier timer.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await clock.sleep(50);
    order.push("sleep 50");
    await late;
  });
  assert.deepEqual(order, ["sleep 50", "sleep 100"]);
});

Deno.test("VirtualClock.until() resolves when a state holds, before time moves on", async () => {
  const clock = new VirtualClock();
  let jobs = 0;
  const seenAt: number[] = [];
  await clock.run(async () => {
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(1_000);
        jobs++;
      }
    })();
    await clock.until(() => jobs === 3, "three jobs");
    seenAt.push(clock.now() - VIRTUAL_EPOCH);
    await producer;
  });
  assert.deepEqual(seenAt, [3_000]);
  await assert.rejects(
    clock.run(() => clock.until(() => false, "a job that never comes")),
    /deadlock .*still waiting for a job that never comes/,
  );
});

Deno.test("VirtualClock.run() stops a loop that never ends after maxTimers", async () => {
  const clock = new VirtualClock({ maxTimers: 100 });
  await assert.rejects(
    clock.run(async () => {
      while (true) await clock.sleep(1);
    }),
    /fired 100 timers and the work is still not done/,
  );
});

Deno.test("VirtualClock.advance() moves time on at once; timers now due fire in order", async () => {
  const clock = new VirtualClock();
  const fired: number[] = [];
  await clock.run(async () => {
    const a = clock.sleep(300).then(() => fired.push(clock.now() - VIRTUAL_EPOCH));
    const b = clock.sleep(100).then(() => fired.push(clock.now() - VIRTUAL_EPOCH));
    clock.advance(200);
    await Promise.all([a, b]);
  });
  assert.deepEqual(fired, [200, 300], "the overdue timer fires at once, the other at its time");
  assert.throws(() => clock.advance(-1), /'ms' must be 0 or more, got -1/);
});

Deno.test("VirtualClock gives the same interleaving every time for the same program", async () => {
  const trace = async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const worker = async (name: string) => {
      for (let i = 0; i < 20; i++) {
        await clock.sleep(Math.floor(random() * 50));
        log.push(`${name}${i}@${clock.now() - VIRTUAL_EPOCH}`);
      }
    };
    await clock.run(() => Promise.all(["a", "b", "c"].map(worker)));
    return log;
  };
  const first = await trace();
  assert.equal(first.length, 60);
  assert.deepEqual(await trace(), first);
});

Deno.test("VirtualClock.run() refuses a second driver on the same clock", async () => {
  const clock = new VirtualClock();
  const outer = clock.run(() => clock.sleep(10));
  await assert.rejects(clock.run(() => clock.sleep(5)), /already running/);
  await outer;
});
