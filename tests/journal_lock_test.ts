/**
 * One run per journal: the lock beside the journal, taken by one run at a time, let go of on every
 * way out, and taken over from a process that died; and what opening a journal refuses (another
 * plan's unfinished run) or keeps (`--fresh`). On real files, in a temporary folder.
 */
import assert from "node:assert/strict";
import { buildPlan, type Plan } from "../lib/kit/run/plan.ts";
import { UsageError } from "../lib/kit/errors.ts";
import {
  hostName,
  JournalLockedError,
  lockJournalFile,
  lockPathOf,
} from "../lib/app/journal/lock.ts";
import { newJournal, parseJournal } from "../lib/app/journal/journal.ts";
import { journalText } from "../lib/app/journal/store.ts";
import { openRunJournal } from "../lib/app/journal/setup.ts";
import { atomicWrite, createRealIo } from "../lib/app/real_io.ts";
import type { Io } from "../lib/app/io.ts";
import { cli } from "../lib/app/program.ts";
import { fakeIo } from "./_io.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) => {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
};

const realIo = (): Io => {
  const never = new AbortController().signal;
  return createRealIo(never, never);
};

const run = {
  tenant: "acme",
  baseUrl: "https://acme.tamr.cloud",
  dataProduct: "dp",
  concurrency: 4,
  pollIntervalMs: 30_000,
  timeoutMs: 7_200_000,
  requestTimeoutMs: 30_000,
};
const plan = buildPlan({ sources: ["s1", "s2"], dataProduct: "dp" });
const otherPlan = buildPlan({ sources: ["s9"], dataProduct: "dp" });

/** An unfinished journal of `p`, as a killed run leaves it. */
const unfinished = (p: Plan) =>
  journalText(newJournal(p, run, "2026-01-02T03:04:05.000Z", { "load:s9": [1_000] }));

const open = (
  io: Io,
  flags: { state: string; resume?: boolean; fresh?: boolean },
  warn: (m: string) => void = () => {},
  p: Plan = plan,
) => openRunJournal({ run, plan: p, flags, io, warn, commandForResume: "tamr-refresh run" });

Deno.test("a second hold of a journal is refused, naming the holder's pid, host and start", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/j.json`;
    const first = await lockJournalFile(path);
    try {
      const e = await lockJournalFile(path).then(
        () => assert.fail("the second hold was granted"),
        (e: unknown) => e,
      );
      assert.ok(e instanceof JournalLockedError, String(e));
      assert.equal(e.holder?.pid, Deno.pid);
      assert.equal(e.holder?.host, hostName());
      assert.ok(Number.isFinite(Date.parse(e.holder?.since ?? "")), e.holder?.since);
      assert.match(
        e.message,
        new RegExp(`held by another run: pid ${Deno.pid} on ${hostName()}, since \\d{4}-`),
      );
      assert.match(e.hint, /Nothing was created/);
      assert.deepEqual(await names(dir), ["j.json.lock"], "the refusal created nothing");
    } finally {
      await first.release();
    }
  });
});

Deno.test("release() lets go of the journal and removes its lock file; again is harmless", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/j.json`;
    const first = await lockJournalFile(path);
    const holder = JSON.parse(await Deno.readTextFile(lockPathOf(path)));
    assert.equal(holder.pid, Deno.pid);
    assert.equal(holder.journal, path);
    await first.release();
    await first.release();
    assert.deepEqual(await names(dir), []);
    const second = await lockJournalFile(path);
    await second.release();
  });
});

Deno.test("a lock file left by a process killed with -9 is taken by the next run", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/j.json`;
    const lockModule = new URL("../lib/app/journal/lock.ts", import.meta.url).href;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { lockJournalFile } from ${JSON.stringify(lockModule)};
         await lockJournalFile(${JSON.stringify(path)});
         console.log("held");
         setInterval(() => {}, 60_000);`,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      // Waits for the child to say it holds the journal.
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      while (!said.includes("held\n")) {
        const { value, done } = await reader.read();
        if (done) assert.fail(`the child ended before holding the journal: ${said}`);
        said += value;
      }
      reader.releaseLock();
      await assert.rejects(() => lockJournalFile(path), (e: unknown) => {
        assert.ok(e instanceof JournalLockedError);
        assert.equal(e.holder?.pid, child.pid);
        return true;
      });
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel().catch((e: unknown) => {
        if (!(e instanceof TypeError)) throw e; // already released or closed
      });
    }
    assert.deepEqual(await names(dir), ["j.json.lock"], "the killed process left its lock file");
    const lock = await lockJournalFile(path);
    assert.equal(JSON.parse(await Deno.readTextFile(lockPathOf(path))).pid, Deno.pid);
    await lock.release();
  });
});

Deno.test("a run's journal is held from opening to finish(), and let go of when opening fails", async () => {
  await withDir(async (dir) => {
    const io = realIo();
    const path = `${dir}/j.json`;
    const journal = await open(io, { state: path });
    await assert.rejects(() => open(io, { state: path }), JournalLockedError);
    await journal.finish();
    assert.deepEqual(await names(dir), ["j.json"], "no lock file once finished");
    await (await open(io, { state: path }))[Symbol.asyncDispose]();

    // A folder where the journal should be: refused with a sentence, and let go of.
    await Deno.mkdir(`${dir}/folder.json`);
    await assert.rejects(() => open(io, { state: `${dir}/folder.json` }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        `Cannot read the run journal ${dir}/folder.json: it is a folder, not a file`,
      );
      assert.match(e.hint ?? "", /Pass --state with another path/);
      return true;
    });
    assert.deepEqual(await names(dir), ["folder.json", "j.json"], "no lock file left");
  });
});

Deno.test("a journal path through a regular file is a sentence naming that file", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "x");
    const path = `${dir}/file/j.json`;
    await assert.rejects(() => open(realIo(), { state: path }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        `Cannot write the run journal ${path}: ${dir}/file is a file, not a folder`,
      );
      return true;
    });
    assert.deepEqual(await names(dir), ["file"]);
  });
});

Deno.test("opening a journal removes the temporary files a killed run left beside it", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/j.json`;
    const leftovers = ["j.json.0a1b2c3d.tmp", "j.json.ffffffff.tmp", "j.json.ids.0a1b2c3d.tmp"];
    for (const name of [...leftovers, "k.json.0a1b2c3d.tmp", "j.json.notmine.tmp"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "{");
    }
    // The side log stays: it may hold job ids the journal does not have yet.
    await Deno.writeTextFile(`${dir}/j.json.ids`, "{}\n");
    const lock = await realIo().lockJournal(path);
    await lock.release();
    assert.deepEqual(await names(dir), ["j.json.ids", "j.json.notmine.tmp", "k.json.0a1b2c3d.tmp"]);
  });
});

Deno.test("atomicWrite() removes its temporary file when the write fails", async () => {
  await withDir(async (dir) => {
    // A folder where the file should be: the rename over it fails.
    await Deno.mkdir(`${dir}/j.json`);
    await assert.rejects(() => atomicWrite(`${dir}/j.json`, "{}"), Deno.errors.IsADirectory);
    assert.deepEqual(await names(dir), ["j.json"]);
  });
});

Deno.test("a run over another plan's unfinished journal is refused with exit 2, creating nothing", async () => {
  const text = unfinished(otherPlan);
  const files = new Map([["j.json", text]]);
  const io = fakeIo(files);
  await assert.rejects(() => open(io, { state: "j.json" }), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(
      e.message,
      "The run journal j.json holds an unfinished run of another plan (2 steps for data " +
        "product dp on https://acme.tamr.cloud, started 2026-01-02T03:04:05.000Z), not this one " +
        "(3 steps for data product dp on https://acme.tamr.cloud): it has load:s9, this one has " +
        "load:s1, load:s2",
    );
    assert.match(e.hint ?? "", /`tamr-refresh run --resume --state j\.json`/);
    assert.match(e.hint ?? "", /--state FILE/);
    assert.match(
      e.hint ?? "",
      /--fresh \(the unfinished journal is then kept as j\.2026-01-02T03-04-05Z\.json\)/,
    );
    return true;
  });
  assert.deepEqual([...files.keys()], ["j.json"], "nothing created");
  assert.equal(files.get("j.json"), text, "the journal unchanged");
  // Let go of: the same journal opens again (here with --fresh).
  await (await open(io, { state: "j.json", fresh: true })).finish();
});

Deno.test("--fresh keeps another plan's unfinished journal beside the new one, and says how to resume it", async () => {
  const text = unfinished(otherPlan);
  const files = new Map([
    ["j.json", text],
    ["j.2026-01-02T03-04-05Z.json", "an earlier --fresh"],
  ]);
  const warnings: string[] = [];
  const journal = await open(
    fakeIo(files),
    { state: "j.json", fresh: true },
    (m) => warnings.push(m),
  );
  await journal.finish();
  const kept = "j.2026-01-02T03-04-05Z-2.json";
  assert.deepEqual(parseJournal(files.get(kept)!, kept), parseJournal(text, "j.json"));
  assert.equal(files.get("j.2026-01-02T03-04-05Z.json"), "an earlier --fresh");
  const fresh = parseJournal(files.get("j.json")!, "j.json");
  assert.deepEqual(fresh.plan, plan);
  assert.deepEqual(fresh.steps, {});
  assert.deepEqual(warnings, [
    `Started afresh over an unfinished run: its journal j.json is kept as ${kept}. ` +
    `To continue that run: tamr-refresh run --resume --state ${kept}`,
  ]);
});

Deno.test("--fresh with --resume is a usage error", async () => {
  const files = new Map([["j.json", unfinished(plan)]]);
  await assert.rejects(
    () => open(fakeIo(files), { state: "j.json", resume: true, fresh: true }),
    (e: unknown) => e instanceof UsageError && /--resume and --fresh/.test(e.message),
  );
});

Deno.test("a run over a finished journal of another plan starts a new one, as before", async () => {
  const done = { ...JSON.parse(unfinished(otherPlan)), finished: true, outcome: "succeeded" };
  const files = new Map([["j.json", JSON.stringify(done)]]);
  const journal = await open(fakeIo(files), { state: "j.json" }, (m) => assert.fail(m));
  await journal.finish();
  assert.deepEqual(parseJournal(files.get("j.json")!, "j.json").plan, plan);
  assert.deepEqual([...files.keys()], ["j.json"]);
});

Deno.test("a run that ends with an error lets go of its journal", async () => {
  const files = new Map<string, string>();
  // Standard output that fails: the error leaves the run through its first event.
  const io = fakeIo(files, {
    env: { TAMR_API_KEY: "k" },
    out: () => {
      throw new Error("standard output is gone");
    },
  });
  const args = ["run", "--base-url", "http://127.0.0.1:9", "--source", "s", "--data-product", "d"];
  await assert.rejects(
    () => cli([...args, "--state", "j.json", "--output", "json"], io),
    /standard output is gone/,
  );
  assert.ok(files.has("j.json"), "the run had opened its journal");
  await (await io.lockJournal("j.json")).release();
});
