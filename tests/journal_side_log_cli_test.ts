/**
 * The side log through the real CLI: a run of 120 sources (a journal over 16 KB, so new job ids
 * go to `<journal>.ids` at once) killed with SIGKILL while its side log holds job ids, then
 * `--resume`: every job the killed run knew is polled, not created again, and the resumed run
 * leaves no side log behind.
 */
import assert from "node:assert/strict";
import { startSimTenant } from "../lib/sim/server.ts";
import { canonicalJson } from "../lib/kit/api/types.ts";
import { parseJournal } from "../lib/app/journal/journal.ts";
import { readJournal } from "../lib/app/journal/file.ts";
import { parseSideLog } from "../lib/app/journal/side_log.ts";
import { createRealIo } from "../lib/app/real_io.ts";
import { childEnv, runCli, SECRET_KEY, spawnCli } from "./_cli.ts";

/** The side log's whole lines now, read as the test polls (none when there is no file). */
function sideLogNow(path: string) {
  try {
    return parseSideLog(Deno.readTextFileSync(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

Deno.test("kill -9 while job ids are only in the side log, then --resume: each job created once", async () => {
  const sim = await startSimTenant({
    scenario: { pendingMs: 0, jobLimit: 50, durations: { default: 400 } },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-side-log-cli-" });
  try {
    const state = `${dir}/j.json`;
    const config = `${dir}/config.json`;
    const sources = Array.from({ length: 120 }, (_, i) => `src_${i + 1}`);
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        tenant: "sim",
        baseUrl: sim.baseUrl,
        sources,
        dataProduct: "dp",
        concurrency: 50,
        pollInterval: "100ms",
      }),
    );
    const env = childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir });
    const args = ["run", "--config", config, "--state", state, "--output", "json"];

    const p = spawnCli(args, env);
    const end = Date.now() + 20_000;
    try {
      while (sideLogNow(`${state}.ids`).length < 5) {
        if (Date.now() > end) throw new Error("Timed out waiting for the side log");
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      p.child.kill("SIGKILL");
    }
    const killed = await p.done();
    assert.equal(killed.code, 137, killed.stderr);

    const never = new AbortController().signal;
    const before = (await readJournal(state, createRealIo(never, never)))!;
    const fileAlone = parseJournal(await Deno.readTextFile(state), state);
    const known = Object.entries(before.steps).filter(([, s]) => s.jobId && !s.outcome);
    const onlyInSideLog = sideLogNow(`${state}.ids`).filter((l) =>
      l.n > (fileAlone.idsThrough ?? 0)
    );
    assert.ok(onlyInSideLog.length > 0, "the side log held job ids the journal did not");
    assert.ok(known.length >= 5, `the killed run knew ${known.length} running jobs`);

    const resumed = await runCli([...args, "--resume"], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const counts = new Map<string, number>();
    for (const j of sim.creates()) {
      const k = canonicalJson(j.configuration);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.equal(counts.size, sources.length + 1, "every step has its job");
    for (const [k, n] of counts) assert.equal(n, 1, `${k} was created ${n} times`);
    const events = resumed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const [step, s] of known) {
      const created = events.some((e) => e.step === step && e.state === "creating");
      assert.ok(
        !created,
        `${step}'s job ${s.jobId}, known from the side log, was not created again`,
      );
    }
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(
      names.sort(),
      ["config.json", "j.history.jsonl", "j.json"],
      "no side log and no lock left (the run's history is beside its journal)",
    );
    assert.equal(parseJournal(await Deno.readTextFile(state), state).outcome, "succeeded");
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
