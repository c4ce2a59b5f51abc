import assert from "node:assert/strict";
import { EXIT_CODES, runOutcomeOf } from "../lib/kit/run/outcome.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { ApiError, exitCodeFor, InterruptedError, UsageError } from "../lib/kit/errors.ts";
import { start, step } from "./_events.ts";

const two = (a: Parameters<typeof step>[2], b: Parameters<typeof step>[2]) =>
  foldEvents([start(["load:s1", "load:s2"]), step(1, "load:s1", a), step(1, "load:s2", b)]);

Deno.test("runOutcomeOf() ranks an interrupt, then an error, then a timeout, then a failure", () => {
  const timedOutAndFailed = two("timed_out", "failed");
  assert.deepEqual(runOutcomeOf(timedOutAndFailed), { outcome: "timed_out", exitCode: 3 });
  assert.deepEqual(runOutcomeOf(timedOutAndFailed, { error: { api: true } }), {
    outcome: "error",
    exitCode: 4,
  });
  assert.deepEqual(runOutcomeOf(timedOutAndFailed, { error: { api: false } }), {
    outcome: "error",
    exitCode: 1,
  });
  assert.deepEqual(
    runOutcomeOf(timedOutAndFailed, { interrupt: "SIGHUP", error: { api: true } }),
    { outcome: "interrupted", exitCode: 129 },
  );
  assert.deepEqual(runOutcomeOf(two("succeeded", "stopped")), { outcome: "failed", exitCode: 1 });
  assert.deepEqual(runOutcomeOf(two("succeeded", "succeeded")), {
    outcome: "succeeded",
    exitCode: 0,
  });
});

Deno.test("a run is a success only when every step succeeded", () => {
  assert.deepEqual(runOutcomeOf(two("succeeded", "waiting")), { outcome: "failed", exitCode: 1 });
});

Deno.test("exitCodeFor() and the runner read the same table", () => {
  assert.equal(exitCodeFor(new UsageError("x")), EXIT_CODES.usage);
  assert.equal(
    exitCodeFor(new ApiError({ status: 401, method: "GET", path: "/" })),
    EXIT_CODES.api,
  );
  for (const signal of ["SIGHUP", "SIGINT", "SIGPIPE", "SIGTERM"] as const) {
    const state = two("running", "running");
    assert.equal(exitCodeFor(new InterruptedError(signal)), EXIT_CODES[signal]);
    assert.equal(runOutcomeOf(state, { interrupt: signal }).exitCode, EXIT_CODES[signal]);
  }
});
