import assert from "node:assert/strict";
import {
  ApiError,
  exitCodeFor,
  InterruptedError,
  JobFailedError,
  JobTimeoutError,
  UsageError,
} from "../lib/kit/errors.ts";
import { redact } from "../lib/kit/api/redact.ts";

Deno.test("exitCodeFor() maps each error class to the contract's exit code", () => {
  assert.equal(exitCodeFor(new UsageError("bad")), 2);
  assert.equal(exitCodeFor(new JobFailedError("job_1", "PLANNING_FAILED", "m")), 1);
  assert.equal(exitCodeFor(new JobTimeoutError("job_1", 1000, true)), 3);
  assert.equal(exitCodeFor(new ApiError({ status: 401, method: "GET", path: "/p" })), 4);
  assert.equal(exitCodeFor(new ApiError({ status: null, method: "GET", path: "/p" })), 4);
  assert.equal(exitCodeFor(new InterruptedError("SIGINT")), 130);
  assert.equal(exitCodeFor(new InterruptedError("SIGTERM")), 143);
  assert.equal(exitCodeFor(new Error("a bug")), 1);
});

Deno.test("ApiError says the method, path, status and Tamr's message", () => {
  const e = new ApiError({
    status: 404,
    method: "GET",
    path: "/api/v1beta1/jobs/x",
    tamrMessage: "Job not found.",
  });
  assert.equal(
    e.message,
    "Tamr API request failed: GET /api/v1beta1/jobs/x was answered 404: Job not found.",
  );
  const none = new ApiError({
    status: null,
    method: "POST",
    path: "/p",
    detail: "refused",
    attempts: 3,
  });
  assert.equal(
    none.message,
    "Tamr API request failed after 3 attempts: POST /p got no answer: refused",
  );
  assert.equal(new JobFailedError("job_1", "R", "m").message, "Job job_1 failed with reason R: m");
});

Deno.test("redact() replaces every occurrence of each secret and ignores empty ones", () => {
  assert.equal(redact("k1 and k1 and k2", ["k1", "k2", "", undefined]), "*** and *** and ***");
  assert.equal(redact("nothing here", ["secret"]), "nothing here");
});
