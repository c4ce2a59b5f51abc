/**
 * The prompts in a real pseudo-terminal (tmux): `init` over an existing file, a tenant that cannot
 * be reached, Cancel at the review, and a config saved from the prompts that the next run loads.
 * Every wait is for what must be on screen (or on disk), never for a time.
 */
import assert from "node:assert/strict";
import { type SimTenant, startSimTenant } from "../lib/sim/server.ts";
import type { Scenario } from "../lib/sim/scenario.ts";
import { childEnv, runCli, SECRET_KEY } from "./_cli.ts";
import { announceSkip, hasTmux, tmuxSkipReason, withTmux } from "./_tmux.ts";

announceSkip();

function tmuxTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: hasTmux ? name : `${name} (skipped: ${tmuxSkipReason})`,
    ignore: !hasTmux,
    fn,
  });
}

async function withSim(scenario: Scenario, fn: (sim: SimTenant) => Promise<void>) {
  const sim = await startSimTenant({ scenario, apiKey: SECRET_KEY });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

/** A loopback port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Every question inquirer drew (`? ...` while asked, `✔ ...` once answered), in order. */
function questions(screen: string): string[] {
  return screen.split("\n").filter((l) => /^[?✔] /.test(l));
}

tmuxTest(
  "init over an existing file starts from its values, asks once before overwriting, keeps its other fields",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-init-" });
    try {
      const path = `${dir}/acme.json`;
      const before = JSON.stringify({
        tenant: "acme",
        sources: ["s1", "s2"],
        dataProduct: "dp",
        concurrency: 2,
        timeout: "1h",
      });
      await Deno.writeTextFile(path, before);
      await withTmux(["init", "--config", path], {}, async (t) => {
        await t.waitFor(`${path} exists: its values are the defaults below`);
        await t.waitFor(
          "? Tamr tenant (the <tenant> in <tenant>.tamr.cloud), or its base URL (acme)",
        );
        await t.keys("Enter");
        await t.waitFor("never saved (empty to skip)");
        await t.keys("Enter");
        await t.waitFor("? Source IDs to refresh first (comma-separated) (s1, s2)");
        await t.keys("Enter");
        await t.waitFor("? Data product ID to update (dp)");
        await t.type("dp2");
        await t.keys("Enter");
        await t.waitFor("? Search-index workflow ID to update afterwards (empty to skip)");
        await t.keys("Enter");
        await t.waitFor("? Destination IDs to publish to afterwards");
        await t.keys("Enter");
        const review = await t.waitFor(`? Overwrite ${path} with this plan?`);
        assert.match(review, /^ {4}3\. update:dp2 {2}\(after both loads\)$/m);
        assert.equal(await Deno.readTextFile(path), before, "not overwritten before the answer");
        await t.keys("Enter");
        assert.equal(await t.exitCode(), 0);
        const end = await t.capture();
        assert.match(end, new RegExp(`^Saved ${path} \\(without the API key\\)\\.$`, "m"));
        assert.match(end, new RegExp(`^Run it with: .* run --config ${path}$`, "m"));
        // One confirmation: the review's; no "Save these answers?", no path question.
        const asked = questions(end);
        assert.deepEqual(asked.slice(-1), [`✔ Overwrite ${path} with this plan? Overwrite`]);
        assert.equal(asked.length, 7, asked.join("\n"));
      });
      assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
        tenant: "acme",
        sources: ["s1", "s2"],
        dataProduct: "dp2",
        destinations: [],
        concurrency: 2,
        timeout: "1h",
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

tmuxTest(
  "an unreachable tenant stops the prompts before any ID question, in one line naming --base-url, exit 4",
  async () => {
    const baseUrl = `http://127.0.0.1:${closedPort()}`;
    const env = { TAMR_API_KEY: SECRET_KEY };
    await withTmux(["run", "--base-url", baseUrl], { env }, async (t) => {
      assert.equal(await t.exitCode(), 4);
      const end = await t.capture();
      const escaped = baseUrl.replaceAll(".", "\\.");
      assert.match(
        end,
        new RegExp(
          `^error: Cannot reach ${escaped} \\(check --base-url or TAMR_BASE_URL\\): GET `,
          "m",
        ),
      );
      for (const c of t.captures) {
        assert.doesNotMatch(
          c,
          /Source|Data product|Plan|Start the refresh/,
          "no ID question, no review",
        );
        assert.ok(!c.includes(SECRET_KEY), "a capture shows the key");
      }
      assert.deepEqual(questions(end), [], "nothing was asked");
    });
  },
);

tmuxTest("Cancel at the review exits 130, as Ctrl-C does, and creates nothing", async () => {
  await withSim({}, async (sim) => {
    const env = { TAMR_API_KEY: SECRET_KEY };
    const args = ["run", "--base-url", sim.baseUrl, "--source", "s1", "--data-product", "dp"];
    await withTmux(args, { env }, async (t) => {
      await t.waitFor("? Start the refresh with this plan?");
      await t.keys("Down", "Down");
      await t.waitFor(/❯ Cancel/);
      await t.keys("Enter");
      assert.equal(await t.exitCode(), 130);
      assert.match(await t.capture(), /^Cancelled; nothing was created\.$/m);
    });
    assert.deepEqual(sim.creates(), []);
  });
});

tmuxTest(
  "with TAMR_BASE_URL set, the saved config holds the base URL, no tenant, and the next run loads it from the working directory",
  async () => {
    const scenario: Scenario = { pendingMs: 20, durations: { default: 100 } };
    await withSim(scenario, async (sim) => {
      const env = { TAMR_BASE_URL: sim.baseUrl, TAMR_API_KEY: SECRET_KEY };
      await withTmux(["run"], { env }, async (t) => {
        // The tenant has no jobs yet: the IDs are typed, several at once with commas.
        await t.waitFor("? Source IDs to refresh first (comma-separated)");
        await t.type("s1,s2");
        await t.keys("Enter");
        await t.waitFor("? Data product ID to update");
        await t.type("dp");
        await t.keys("Enter");
        await t.waitFor("? Search-index workflow ID to update afterwards (empty to skip)");
        await t.keys("Enter");
        await t.waitFor("? Destination IDs to publish to afterwards");
        await t.keys("Enter");
        await t.waitFor("? Start the refresh with this plan?");
        await t.keys("Enter");
        await t.waitFor(/Save these answers to tamr-refresh\.json\? \(y\/N\)/);
        await t.keys("y", "Enter");
        await t.waitFor("? Config file path (tamr-refresh.json)");
        await t.keys("Enter");
        const saved = await t.waitFor(/^Run it with: .* run --config tamr-refresh\.json /m);
        assert.match(saved, /^Saved tamr-refresh\.json \(without the API key\)\.$/m);
        assert.equal(await t.exitCode(), 0);

        const file = JSON.parse(await Deno.readTextFile(`${t.dir}/tamr-refresh.json`));
        assert.deepEqual(file, {
          baseUrl: sim.baseUrl,
          sources: ["s1", "s2"],
          dataProduct: "dp",
          destinations: [],
        });
        // The next run, in the same directory, without --config and without TAMR_BASE_URL.
        const next = await runCli(["run", "--dry-run"], childEnv(), t.dir);
        assert.equal(next.code, 0, next.stderr);
        assert.match(
          next.stderr,
          /^Using tamr-refresh\.json from the working directory \(--config FILE to use another\)\.$/m,
        );
        assert.match(
          next.stdout,
          /^Plan for dp on 127\.0\.0\.1 \(http:\/\/127\.0\.0\.1:\d+\): 3 steps$/m,
        );
        assert.match(next.stdout, /^1\. load:s1 .*\n.*\n2\. load:s2 /m);
      });
    });
  },
);
