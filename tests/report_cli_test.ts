/** `tamr-refresh report`: finds the plan's history like `run`, writes one HTML file, says where. */
import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { appendRun } from "../lib/app/history/store.ts";
import type { RunRecord } from "../lib/app/history/record.ts";
import { DEFAULT_REPORT_FILE } from "../lib/app/commands/report.ts";
import { childEnv, runCli } from "./_cli.ts";
import { fakeIo } from "./_io.ts";
import { standardNights } from "./_history_records.ts";

let nights: Promise<RunRecord[]> | undefined;
/** Three nights of the standard plan, the last with a failed publish (made once). */
const threeNights = () => nights ??= standardNights(3, { failLast: true });

/** An in-memory Io holding `runs` in the history beside `journal`, and what it printed. */
async function withHistory(journal: string, runs: readonly RunRecord[]) {
  const files = new Map<string, string>();
  const printed = { out: "", err: "" };
  const io = fakeIo(files, {
    env: { XDG_STATE_HOME: "/state" },
    out: (s) => void (printed.out += s),
    err: (s) => void (printed.err += s),
  });
  const history = journal.replace(/\.json$/, ".history.jsonl");
  for (const r of runs) await appendRun(history, r, io);
  return { io, files, printed, history };
}

Deno.test("report writes the latest run to tamr-refresh-report.html and says so", async () => {
  const runs = await threeNights();
  const { io, files, printed } = await withHistory("/runs/nightly.json", runs);
  const code = await cli(["report", "--state", "/runs/nightly.json"], io);
  assert.equal(code, 0);
  const html = files.get(DEFAULT_REPORT_FILE);
  assert.ok(html, [...files.keys()].join(", "));
  const latest = runs.at(-1)!;
  assert.match(html, new RegExp(`data-field="runId">${latest.runId}<`));
  assert.match(html, /data-step="publish:dest_2" data-outcome="failed"/);
  // Said on stderr: the file could be standard output itself (-o /dev/stdout).
  assert.equal(
    printed.err,
    `Wrote the report of run ${latest.runId} (failed, ${
      /data-field="total">([^<]+)</.exec(html)![1]
    }, 12 steps) to ${DEFAULT_REPORT_FILE}\n`,
  );
  assert.equal(printed.out, "");
});

Deno.test("report --run ID -o FILE writes that run, with the trends of the runs before it", async () => {
  const runs = await threeNights();
  const { io, files } = await withHistory("/runs/nightly.json", runs);
  const first = runs[0]!;
  const code = await cli(
    ["report", "--state", "/runs/nightly.json", "--run", first.runId, "-o", "/out/first.html"],
    io,
  );
  assert.equal(code, 0);
  const html = files.get("/out/first.html")!;
  assert.match(html, new RegExp(`data-field="runId">${first.runId}<`));
  assert.match(html, /data-field="outcome">succeeded</);
  assert.deepEqual([...html.matchAll(/<tr data-run="(\w+)"/g)].map((m) => m[1]), [first.runId]);
});

Deno.test("report finds the plan's history from the tenant and data product, as run does", async () => {
  const runs = (await threeNights()).slice(0, 1);
  const journal = "/state/tamr-refresh/acme.tamr.cloud_443--dp_customers.json";
  const { io, files } = await withHistory(journal, runs);
  await cli(["report", "--tenant", "acme", "--data-product", "dp_customers", "-o", "r.html"], io);
  assert.ok(files.get("r.html")?.includes(runs[0]!.runId));
});

Deno.test("report --run with an unknown id lists the recent ids, newest first", async () => {
  const runs = await threeNights();
  const { io, files } = await withHistory("/runs/nightly.json", runs);
  await assert.rejects(
    () => cli(["report", "--state", "/runs/nightly.json", "--run", "20990101T000000Z"], io),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, 'No run "20990101T000000Z" in /runs/nightly.history.jsonl');
      assert.equal(
        e.hint,
        `Recent runs, newest first: ${
          runs.map((r) => r.runId).reverse().join(", ")
        }. Pass one to --run, or leave --run out for the latest.`,
      );
      return true;
    },
  );
  assert.ok(!files.has(DEFAULT_REPORT_FILE), "nothing written");
});

Deno.test("report says which lines of the history it could not read, and reports the rest", async () => {
  const runs = await threeNights();
  const { io, files, printed, history } = await withHistory("/runs/nightly.json", runs);
  files.set(history, files.get(history)! + '{"version": 1, "runId": "torn"');
  assert.equal(await cli(["report", "--state", "/runs/nightly.json"], io), 0);
  assert.match(
    printed.err,
    /^1 line of \/runs\/nightly\.history\.jsonl could not be read as a run and was left out\.\nWrote the report/,
  );
});

Deno.test("report over a history with no readable run says the file holds none", async () => {
  const { io, files, printed } = await withHistory("/runs/nightly.json", []);
  files.set("/runs/nightly.history.jsonl", "not a run\n");
  await assert.rejects(
    () => cli(["report", "--state", "/runs/nightly.json"], io),
    (e: unknown) =>
      e instanceof UsageError &&
      e.message === "No finished run of this plan is recorded yet: " +
          "/runs/nightly.history.jsonl holds none that can be read",
  );
  assert.match(printed.err, /^1 line of \/runs\/nightly\.history\.jsonl could not be read/);
});

Deno.test("report, as a command: no history, no tenant, a path it cannot write, then a written file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-report-" });
  try {
    const env = childEnv({ XDG_STATE_HOME: `${dir}/state` });
    const state = `${dir}/nightly.json`;
    // No run recorded yet: exit 2, naming the history file.
    const none = await runCli(["report", "--state", state], env, dir);
    assert.equal(none.code, 2, none.stderr);
    assert.equal(
      none.stderr.split("\n")[0],
      `error: No finished run of this plan is recorded yet: there is no ${dir}/nightly.history.jsonl`,
    );
    // No tenant: exit 2, naming what to give.
    const where = await runCli(["report", "--data-product", "dp"], env, dir);
    assert.equal(where.code, 2);
    assert.match(where.stderr, /^error: No tenant given.*\nPass --tenant NAME or --base-url URL/);
    const runs = await threeNights();
    await Deno.writeTextFile(
      `${dir}/nightly.history.jsonl`,
      runs.map((r) => JSON.stringify(r)).join("\n") + "\n",
    );
    // A path through a file, or a folder: a sentence each, exit 2, no stack trace.
    const through = await runCli(
      ["report", "--state", state, "-o", `${dir}/nightly.history.jsonl/r.html`],
      env,
      dir,
    );
    assert.equal(through.code, 2, through.stderr);
    assert.equal(
      through.stderr,
      `error: Cannot write the report to ${dir}/nightly.history.jsonl/r.html: ` +
        `${dir}/nightly.history.jsonl is a file, not a folder\nPass -o with another path.\n`,
    );
    const folder = await runCli(["report", "--state", state, "-o", dir], env, dir);
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, new RegExp(`^error: Cannot write the report to ${dir}: `));
    assert.doesNotMatch(folder.stderr, /^ {4}at /m, "no stack trace");
    // Folders on the way are made.
    const deep = await runCli(["report", "--state", state, "-o", `${dir}/a/b/r.html`], env, dir);
    assert.equal(deep.code, 0, deep.stderr);
    assert.ok((await Deno.stat(`${dir}/a/b/r.html`)).isFile);
    // Written, in the working directory by default.
    const ok = await runCli(["report", "--state", state], env, dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "");
    assert.match(
      ok.stderr,
      /^Wrote the report of run \w+ \(failed, .*\) to tamr-refresh-report\.html\n$/,
    );
    const html = await Deno.readTextFile(`${dir}/tamr-refresh-report.html`);
    assert.ok(html.includes(runs.at(-1)!.runId));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report -o with an empty path is a usage error, and nothing is written", async () => {
  const runs = await threeNights();
  const { io, files } = await withHistory("/runs/nightly.json", runs);
  const before = new Set(files.keys());
  await assert.rejects(
    () => cli(["report", "--state", "/runs/nightly.json", "-o", ""], io),
    (e: unknown) => e instanceof UsageError && e.message === "-o was given an empty path.",
  );
  assert.deepEqual(new Set(files.keys()), before);
});
