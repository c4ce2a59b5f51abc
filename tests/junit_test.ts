import assert from "node:assert/strict";
import type { RunEvent } from "../lib/kit/run/events.ts";
import { prepareEndReports } from "../lib/app/outputs/end_reports.ts";
import { escapeXml, junitXml } from "../lib/app/outputs/junit.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { endViewOf, start, step, t } from "./_events.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";
import { fakeIo } from "./_io.ts";

const run: RunEvent[] = [
  start(["load:s1", "load:s2", "update:dp", "publish:d1"]),
  step(0, "load:s1", "creating"),
  step(0, "load:s2", "creating"),
  step(1, "load:s2", "running", { jobId: "job_2" }),
  step(2, "load:s2", "failed", {
    jobId: "job_2",
    jobState: "DONE",
    error: { reason: "PLANNING_FAILED", message: `Column "a" & <b> isn't there\u0007` },
  }),
  step(3, "load:s1", "succeeded", { jobId: "job_1", jobState: "DONE" }),
  step(3, "update:dp", "skipped"),
  step(3, "publish:d1", "skipped"),
  {
    type: "finish",
    time: t(4),
    outcome: "failed",
    exitCode: 1,
    steps: [],
    message: "load:s2 failed.",
  },
];

/**
 * A small XML well-formedness check: tags nest and close, attributes are quoted, and every `&`
 * starts a known entity or character reference. Returns the elements in document order.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  assert.ok(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n`));
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml), "no characters XML forbids");
  const body = xml.slice(xml.indexOf("?>") + 2);
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const open: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  const unescape = (s: string) => {
    for (const ref of s.match(/&[^;]*;?/g) ?? []) {
      assert.match(ref, /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/, `bad reference ${ref}`);
    }
    return s.replace(
      /&(amp|lt|gt|quot|apos|#\d+);/g,
      (_, e: string) =>
        e.startsWith("#")
          ? String.fromCharCode(Number(e.slice(1)))
          : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e]!,
    );
  };
  while ((m = token.exec(body)) !== null) {
    at = token.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      if (open.length === 0) assert.equal(text.trim(), "", "text outside the root");
      else open.at(-1)!.text += unescape(text);
      continue;
    }
    if (close) {
      assert.equal(open.pop()?.name, name, `</${name}> closes what was opened`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(!(a[1]! in attrs), `duplicate attribute ${a[1]}`);
      attrs[a[1]!] = unescape(a[2]!);
    }
    const el = { name: name!, attrs, text: "" };
    elements.push(el);
    if (!selfClose) open.push(el);
  }
  assert.equal(at, body.length, `unparsable XML at ${JSON.stringify(body.slice(at, at + 40))}`);
  assert.equal(open.length, 0, "every element is closed");
  return elements;
}

Deno.test("junitXml() has one test case per step, with Tamr's reason and message on failures", () => {
  const els = parseXml(junitXml(endViewOf(run)));
  const suite = els.find((e) => e.name === "testsuite")!;
  assert.deepEqual(
    [suite.attrs.tests, suite.attrs.failures, suite.attrs.skipped, suite.attrs.time],
    ["4", "1", "2", "4.000"],
  );
  assert.equal(suite.attrs.timestamp, "2026-01-01T12:00:00");
  const cases = els.filter((e) => e.name === "testcase");
  assert.deepEqual(cases.map((c) => [c.attrs.name, c.attrs.classname, c.attrs.time]), [
    ["load:s1", "tamr-refresh.dp.load", "3.000"],
    ["load:s2", "tamr-refresh.dp.load", "2.000"],
    ["update:dp", "tamr-refresh.dp.update", "0.000"],
    ["publish:d1", "tamr-refresh.dp.publish", "0.000"],
  ]);
  const failure = els.find((e) => e.name === "failure")!;
  assert.equal(failure.attrs.type, "PLANNING_FAILED");
  assert.equal(failure.attrs.message, `PLANNING_FAILED: Column "a" & <b> isn't there\uFFFD`);
  assert.match(failure.text, /^load:s2 failed \(job job_2\)\nPLANNING_FAILED: Column "a" & <b>/);
  assert.equal(els.filter((e) => e.name === "skipped").length, 2);
});

Deno.test("escapeXml() escapes markup, quotes and line breaks, and replaces what XML cannot hold", () => {
  assert.equal(
    escapeXml(`<a href="x">Tom & 'Jerry'</a>\n\u0000\uD800`),
    "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;&#10;\uFFFD\uFFFD",
  );
  assert.equal(escapeXml("emoji 🚀 stay"), "emoji 🚀 stay");
});

Deno.test("junitXml() adds a failing `run` case when the run failed before any step did", () => {
  const events: RunEvent[] = [
    start(["load:s1"]),
    {
      type: "finish",
      time: t(1),
      outcome: "error",
      exitCode: 4,
      steps: [],
      message: "Tamr API request failed: POST /api/v1beta1/jobs was answered 401",
    },
  ];
  const els = parseXml(junitXml(endViewOf(events)));
  const cases = els.filter((e) => e.name === "testcase").map((c) => c.attrs.name);
  assert.deepEqual(cases, ["load:s1", "run"]);
  assert.equal(els.find((e) => e.name === "testsuite")!.attrs.failures, "1");
  const skipped = els.find((e) => e.name === "skipped")!;
  assert.equal(skipped.attrs.message, "not started: the run ended first");
  assert.equal(els.find((e) => e.name === "failure")!.attrs.type, "ERROR");
});

Deno.test("a succeeded run's report has no failure and no skipped case", () => {
  const events: RunEvent[] = [
    start(["load:s1"]),
    step(0, "load:s1", "creating"),
    step(2, "load:s1", "succeeded", { jobId: "job_1" }),
    { type: "finish", time: t(2), outcome: "succeeded", exitCode: 0, steps: [] },
  ];
  const els = parseXml(junitXml(endViewOf(events)));
  assert.deepEqual(els.map((e) => e.name), ["testsuites", "testsuite", "testcase"]);
});

function memoryIo(files: Map<string, string>) {
  let err = "";
  const io = fakeIo(files, { err: (s) => void (err += s) });
  return { io, err: () => err };
}

Deno.test("--junit writes the report through the Io once the run finishes", async () => {
  const files = new Map<string, string>();
  const { io, err } = memoryIo(files);
  const reports = prepareEndReports(io, { junit: "reports/junit.xml" });
  assert.equal(files.size, 0, "nothing is written before the end");
  await reports.write(endViewOf(run), () => {});
  assert.equal(files.get("reports/junit.xml"), junitXml(endViewOf(run)));
  assert.equal(err(), "");
});

Deno.test("a --junit file that cannot be written is a warning, not a thrown error", async () => {
  const { io, err } = memoryIo(new Map());
  io.writeTextFile = (p) => Promise.reject(new Error(`Permission denied: ${p}`));
  const warnings: string[] = [];
  await prepareEndReports(io, { junit: "/ro/junit.xml" }).write(
    endViewOf(run),
    (m) => warnings.push(m),
  );
  assert.deepEqual(warnings, [
    "Could not write the JUnit report to /ro/junit.xml (--junit): Permission denied: /ro/junit.xml",
  ]);
  assert.equal(err(), "");
});

Deno.test("run --junit FILE writes a report a CI server can read, exit code unchanged", async () => {
  const sim = await startSimTenant({
    scenario: {
      pendingMs: 50,
      durations: { default: 200 },
      failures: { "load:s2": { reason: "PLANNING_FAILED", message: "Source file missing." } },
    },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-junit-" });
  try {
    const file = `${dir}/out/junit.xml`;
    const r = await runCli(
      [
        "run",
        "--base-url",
        sim.baseUrl,
        "--source",
        "s1",
        "--source",
        "s2",
        "--data-product",
        "dp",
        "--destination",
        "d1",
        "--poll-interval",
        "200ms",
        "--junit",
        file,
      ],
      childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir }),
    );
    assert.equal(r.code, 1, r.stderr);
    const xml = await Deno.readTextFile(file);
    const els = parseXml(xml);
    const cases = els.filter((e) => e.name === "testcase").map((c) => c.attrs.name);
    assert.deepEqual(cases, ["load:s1", "load:s2", "update:dp", "publish:d1"]);
    const failure = els.find((e) => e.name === "failure")!;
    assert.equal(failure.attrs.message, "PLANNING_FAILED: Source file missing.");
    assert.equal(els.filter((e) => e.name === "skipped").length, 2);
    assert.ok(!xml.includes(SECRET_KEY));
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
