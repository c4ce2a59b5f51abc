import assert from "node:assert/strict";
import {
  backoffDelay,
  decidePollRetry,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  isTransientStatus,
  parseRetryAfter,
  pollBackoffDelay,
  resolveRetryPolicy,
} from "../lib/kit/api/retry.ts";
import { UsageError } from "../lib/kit/errors.ts";

const policy = resolveRetryPolicy();
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

Deno.test("resolveRetryPolicy() fills in the documented defaults", () => {
  assert.deepEqual(policy, {
    maxAttempts: 6,
    maxElapsedMs: 120_000,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
  });
  assert.deepEqual(resolveRetryPolicy({ maxAttempts: 2 }), {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: 2,
  });
});

Deno.test("resolveRetryPolicy() names the field that is wrong and the value", () => {
  assert.throws(
    () => resolveRetryPolicy({ maxAttempts: 0 }),
    (e: unknown) => e instanceof UsageError && /'retry.maxAttempts'.*got 0/.test(e.message),
  );
  assert.throws(
    () => resolveRetryPolicy({ maxDelayMs: -1 }),
    (e: unknown) => e instanceof UsageError && /'retry.maxDelayMs'.*got -1/.test(e.message),
  );
  assert.throws(() => resolveRetryPolicy({ baseDelayMs: NaN }), UsageError);
});

Deno.test("isTransientStatus() is true for 408, 429, 500, 502, 503 and 504 only", () => {
  for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isTransientStatus(s), true, `${s}`);
  for (const s of [200, 301, 400, 401, 403, 404, 409, 422, 501, 505]) {
    assert.equal(isTransientStatus(s), false, `${s}`);
  }
});

Deno.test("backoffDelay() with random() = 0 waits 0 and with random() near 1 waits the cap", () => {
  const almostOne = () => 1 - Number.EPSILON;
  assert.equal(backoffDelay(1, policy, () => 0), 0);
  assert.equal(backoffDelay(5, policy, () => 0), 0);
  const caps = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => Math.round(backoffDelay(n, policy, almostOne)));
  assert.deepEqual(caps, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(backoffDelay(3, policy, () => 0.5), 1000);
});

Deno.test("backoffDelay() keeps a misbehaving random() inside [0, cap]", () => {
  assert.equal(backoffDelay(1, policy, () => 7), 500);
  assert.equal(backoffDelay(1, policy, () => -3), 0);
});

Deno.test("parseRetryAfter() reads delta-seconds", () => {
  assert.equal(parseRetryAfter("3", NOW), 3000);
  assert.equal(parseRetryAfter(" 0 ", NOW), 0);
  assert.equal(parseRetryAfter("120", NOW), 120_000);
});

Deno.test("parseRetryAfter() reads an HTTP date relative to now, and a past date as 0", () => {
  const in90s = new Date(NOW + 90_000).toUTCString();
  assert.equal(parseRetryAfter(in90s, NOW), 90_000);
  assert.equal(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW), 0);
  assert.equal(parseRetryAfter("Wed, 01 Jan 2025 12:00:10 GMT", NOW), 10_000);
});

Deno.test("parseRetryAfter() ignores a missing or unreadable header", () => {
  for (const v of [null, undefined, "", "soon", "5.5", "-3", "1e3"]) {
    assert.equal(parseRetryAfter(v, NOW), undefined, `${v}`);
  }
});

Deno.test("decideRetry() uses full-jitter backoff while attempts and time remain", () => {
  const d = decideRetry({ attempt: 2, startedAt: NOW, now: NOW, policy, random: () => 0.5 });
  assert.deepEqual(d, { retry: true, delayMs: 500, source: "backoff" });
});

Deno.test("decideRetry() gives up when the attempts are used", () => {
  const d = decideRetry({ attempt: 6, startedAt: NOW, now: NOW, policy, random: () => 0 });
  assert.equal(d.retry, false);
  assert.match(!d.retry ? d.why : "", /no attempts left \(6 allowed\)/);
});

Deno.test("decideRetry() gives up when the elapsed time is spent", () => {
  const spent = decideRetry({
    attempt: 1,
    startedAt: NOW,
    now: NOW + 120_000,
    policy,
    random: () => 0,
  });
  assert.equal(spent.retry, false);
  const tooLong = decideRetry({
    attempt: 3,
    startedAt: NOW,
    now: NOW + 119_500,
    policy,
    random: () => 0.9,
  });
  assert.equal(tooLong.retry, false, "a 1800ms wait does not fit in the 500ms left");
});

Deno.test("decideRetry() uses Retry-After as the delay, capped at maxDelayMs", () => {
  assert.deepEqual(
    decideRetry({
      attempt: 1,
      startedAt: NOW,
      now: NOW,
      retryAfterMs: 4000,
      policy,
      random: () => 1,
    }),
    { retry: true, delayMs: 4000, source: "retry-after" },
  );
  assert.deepEqual(
    decideRetry({
      attempt: 1,
      startedAt: NOW,
      now: NOW,
      retryAfterMs: 60_000,
      policy,
      random: () => 1,
    }),
    { retry: true, delayMs: 30_000, source: "retry-after" },
  );
});

Deno.test("decideRetry() gives up when Retry-After is longer than the time left", () => {
  const d = decideRetry({
    attempt: 1,
    startedAt: NOW,
    now: NOW + 100_000,
    retryAfterMs: 30_000,
    policy,
    random: () => 0,
  });
  assert.equal(d.retry, false);
  assert.match(!d.retry ? d.why : "", /asked to wait 30s, longer than the 20s left/);
});

// ---- polls: riding out an outage until the wait's deadline ------------------------------------

Deno.test("pollBackoffDelay() waits between half the cap and the cap, the cap doubling up to maxDelayMs", () => {
  const caps = [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
  caps.forEach((cap, i) => {
    assert.equal(pollBackoffDelay(i + 1, policy, () => 0), cap / 2);
    assert.equal(pollBackoffDelay(i + 1, policy, () => 1), cap);
  });
  assert.equal(pollBackoffDelay(10_000, policy, () => 1), 30_000, "no overflow far on");
  assert.equal(pollBackoffDelay(3, policy, () => 7), 2000, "a misbehaving random() is clamped");
});

Deno.test("decidePollRetry() retries however many attempts have been made, until untilMs", () => {
  const base = { now: NOW, untilMs: NOW + 3_600_000, policy, random: () => 0.5 };
  const far = decidePollRetry({ ...base, attempt: 500 });
  assert.deepEqual(far, { retry: true, delayMs: 22_500, source: "backoff" });
  const atDeadline = decidePollRetry({ ...base, attempt: 2, now: NOW + 3_600_000 });
  assert.equal(atDeadline.retry, false);
  assert.match(!atDeadline.retry ? atDeadline.why : "", /deadline/);
});

Deno.test("decidePollRetry() honours a longer Retry-After, capped at maxDelayMs and never past untilMs", () => {
  const base = { attempt: 1, now: NOW, untilMs: NOW + 600_000, policy, random: () => 0.5 };
  assert.deepEqual(decidePollRetry({ ...base, retryAfterMs: 7_000 }), {
    retry: true,
    delayMs: 7_000,
    source: "retry-after",
  });
  assert.deepEqual(decidePollRetry({ ...base, retryAfterMs: 86_400_000 }), {
    retry: true,
    delayMs: 30_000,
    source: "retry-after",
  });
  // A Retry-After of 0 never makes a busy loop: the backoff still applies.
  assert.deepEqual(decidePollRetry({ ...base, retryAfterMs: 0 }), {
    retry: true,
    delayMs: 375,
    source: "backoff",
  });
  const late = decidePollRetry({ ...base, now: NOW + 590_000, retryAfterMs: 86_400_000 });
  assert.deepEqual(late, { retry: true, delayMs: 10_000, source: "retry-after" });
});
