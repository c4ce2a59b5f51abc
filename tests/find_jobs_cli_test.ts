/**
 * The CLI learns the tenant's clock from the Date header of its answers: with the tenant 10 minutes
 * behind, a create whose answer never came is found, not made twice, even when it is the run's only
 * create (nothing else tells the clock). A subprocess against the simulated tenant over TCP.
 */
import assert from "node:assert/strict";
import { canonicalJson } from "../lib/kit/api/types.ts";
import { startSimTenant } from "../lib/sim/server.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";

Deno.test("run, with the tenant 10 minutes behind: the job of a create whose answer never came is found by the Date header", async () => {
  const sim = await startSimTenant({
    scenario: {
      clockOffsetMs: -10 * 60_000,
      pendingMs: 50,
      durations: { default: 300, "load:s1": 3_000 },
      faults: [{ kind: "lostCreate", step: "load:s1", hang: true }],
    },
    apiKey: SECRET_KEY,
  });
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-find-jobs-" });
  try {
    const r = await runCli(
      [
        "run",
        "--base-url",
        sim.baseUrl,
        "--source",
        "s1",
        "--data-product",
        "dp",
        "--poll-interval",
        "100ms",
        "--request-timeout",
        "1s",
        "--state",
        `${dir}/journal.json`,
        "--output",
        "json",
      ],
      childEnv({ TAMR_API_KEY: SECRET_KEY, XDG_STATE_HOME: dir }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /creating load:s1 was lost; found job/);
    const counts = new Map<string, number>();
    for (const job of sim.creates()) {
      const k = canonicalJson(job.configuration);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [1, 1], [...counts.keys()].join(" "));
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
