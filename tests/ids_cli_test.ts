/**
 * Comma-separated ids through the whole CLI, the plan's numbers from 10 on, and "1 source at once":
 * what a user typing flags sees.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { createTextReporter } from "../lib/app/outputs/text.ts";
import { foldEvents } from "../lib/kit/run/run_store.ts";
import { childEnv, runCli } from "./_cli.ts";
import { t } from "./_events.ts";

Deno.test("run --source s1,s2 --destination 'd1, d2' plans one step per id", async () => {
  const r = await runCli([
    "run",
    "--tenant",
    "acme",
    "--source",
    "s1,s2",
    "--source",
    "s3",
    "--data-product",
    "dp",
    "--destination",
    "d1, d2",
    "--dry-run",
    "--output",
    "json",
  ], childEnv());
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.deepEqual(plan.steps.map((s: { step: string }) => s.step), [
    "load:s1",
    "load:s2",
    "load:s3",
    "update:dp",
    "publish:d1",
    "publish:d2",
  ]);
});

Deno.test("run refuses an id with a space or a single id with a comma, naming the flag, exit 2", async () => {
  for (
    const [args, message] of [
      [
        ["--source", "s1 s2", "--data-product", "dp"],
        `--source must be a non-empty id without spaces, commas or control characters, got "s1 s2"`,
      ],
      [
        ["--source", "s1", "--data-product", "dp1,dp2"],
        `--data-product must be a non-empty id without spaces, commas or control characters, got "dp1,dp2"`,
      ],
    ] as const
  ) {
    const r = await runCli(["run", "--tenant", "acme", ...args, "--dry-run"], childEnv());
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split("\n")[0], `error: ${message}`);
    assert.equal(r.stdout, "");
  }
});

Deno.test("--dry-run aligns the step numbers from 10 on and says 1 source at once for one source", async () => {
  const ten = await runCli([
    "run",
    "--tenant",
    "acme",
    "--source",
    "s1,s2,s3,s4,s5,s6,s7,s8,s9",
    "--data-product",
    "dp",
    "--dry-run",
  ], childEnv());
  assert.equal(ten.code, 0, ten.stderr);
  assert.match(ten.stdout, /^ {2}4 sources at once, /m);
  assert.match(ten.stdout, /^ 9\. load:s9 {2}\(first\)\n {4}POST /m);
  assert.match(ten.stdout, /^10\. update:dp {2}\(after every source succeeded\)\n {4}POST /m);

  const one = await runCli(
    ["run", "--tenant", "acme", "--source", "s1", "--data-product", "dp", "--dry-run"],
    childEnv(),
  );
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^ {2}1 source at once, /m);
  assert.match(one.stdout, /^1\. load:s1 {2}\(first\)\n {3}POST /m);
});

Deno.test("the text reporter's first line says 1 source at once for one source", () => {
  const lines: string[] = [];
  const report = createTextReporter((text) => void lines.push(text));
  const start: RunEvent = {
    type: "start",
    time: t(0),
    version: 1,
    tenant: "acme",
    baseUrl: "https://acme.tamr.cloud",
    dataProduct: "dp",
    concurrency: 4,
    steps: [
      { step: "load:s1", kind: "load", target: "s1", dependsOn: [], body: { configuration: {} } },
      {
        step: "update:dp",
        kind: "update",
        target: "dp",
        dependsOn: ["load:s1"],
        body: { configuration: {} },
      },
    ],
  };
  report(start, foldEvents([start]));
  assert.match(
    lines[0]!,
    / refreshing dp on acme \(https:\/\/acme\.tamr\.cloud\): 2 steps, 1 source at once\n$/,
  );
});
