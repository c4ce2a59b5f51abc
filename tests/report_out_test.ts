/**
 * `report -o PATH` writes through PATH as any program's output file does: a symbolic link, a
 * device, a pipe or an existing file is written to, never replaced; `-o -` is stdout.
 */
import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { appendRun } from "../lib/app/history/store.ts";
import { writeThrough } from "../lib/app/real_io.ts";
import type { RunRecord } from "../lib/app/history/record.ts";
import { fakeIo } from "./_io.ts";
import { standardNights } from "./_history_records.ts";

let nights: Promise<RunRecord[]> | undefined;
const oneNight = () => nights ??= standardNights(1);

/** The history in memory, the report written through the real file system, and what was said. */
async function reportTo(out: string) {
  const files = new Map<string, string>();
  const printed = { out: "", err: "" };
  const io = fakeIo(files, {
    out: (s) => void (printed.out += s),
    err: (s) => void (printed.err += s),
    writeOutputFile: writeThrough,
  });
  for (const r of await oneNight()) await appendRun("/runs/n.history.jsonl", r, io);
  const code = await cli(["report", "--state", "/runs/n.json", "-o", out], io).catch((e) => e);
  return { code, printed, files };
}

async function inTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-report-out-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("report -o LINK writes the link's target and leaves the link a link", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/target.html`, "old");
    await Deno.symlink(`${dir}/target.html`, `${dir}/link.html`);
    const { code } = await reportTo(`${dir}/link.html`);
    assert.equal(code, 0);
    assert.ok((await Deno.lstat(`${dir}/link.html`)).isSymlink);
    assert.match(await Deno.readTextFile(`${dir}/target.html`), /^<!doctype html>/i);
  });
});

Deno.test("report -o FILE keeps an existing file's mode; a new file takes the umask's", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/old.html`, "old");
    await Deno.chmod(`${dir}/old.html`, 0o640);
    assert.equal((await reportTo(`${dir}/old.html`)).code, 0);
    assert.equal((await Deno.stat(`${dir}/old.html`)).mode! & 0o777, 0o640);
    assert.equal((await reportTo(`${dir}/new.html`)).code, 0);
    assert.equal((await Deno.stat(`${dir}/new.html`)).mode! & 0o777, 0o666 & ~Deno.umask());
    assert.match(await Deno.readTextFile(`${dir}/new.html`), /^<!doctype html>/i);
  });
});

Deno.test("report -o FIFO writes into the pipe and leaves it a pipe", async () => {
  await inTempDir(async (dir) => {
    const fifo = `${dir}/pipe`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(made.success);
    // A reader in a child, so a pipe replaced by a file fails the test rather than hanging it.
    const cat = new Deno.Command("cat", { args: [fifo], stdout: "piped" }).spawn();
    const { code } = await reportTo(fifo);
    const stillFifo = (await Deno.lstat(fifo)).isFifo;
    if (!stillFifo) cat.kill();
    const read = new TextDecoder().decode((await cat.output()).stdout);
    assert.ok(stillFifo, "the pipe was replaced");
    assert.equal(code, 0);
    assert.match(read, /^<!doctype html>/i);
  });
});

Deno.test("report -o a link to /dev/full is a sentence about the full disk; the link stays", async () => {
  await inTempDir(async (dir) => {
    // Through a link, so that a writer that replaces what it writes replaces the link, not /dev/full.
    await Deno.symlink("/dev/full", `${dir}/full.html`);
    const { code, printed } = await reportTo(`${dir}/full.html`);
    assert.ok(code instanceof UsageError, String(code));
    assert.equal(code.message, `Cannot write the report to ${dir}/full.html: the disk is full`);
    assert.equal(printed.out, "");
    assert.ok((await Deno.lstat(`${dir}/full.html`)).isSymlink);
  });
});

Deno.test("report -o - writes the HTML to stdout and no file named -", async () => {
  const { code, printed, files } = await reportTo("-");
  assert.equal(code, 0);
  assert.match(printed.out, /^<!doctype html>[\s\S]*<\/html>\n?$/i);
  assert.ok(!files.has("-"));
  assert.ok(!(await Deno.lstat("-").then(() => true, () => false)));
});

Deno.test("report -o in a folder that takes no new file says so, not that the folder is missing", async () => {
  const { code } = await reportTo("/proc/forbidden.html");
  assert.ok(code instanceof UsageError, String(code));
  assert.equal(
    code.message,
    "Cannot write the report to /proc/forbidden.html: no file can be made in /proc",
  );
  assert.equal(code.hint, "Pass -o with another path.");
});
