/**
 * Errors from the machine (a full disk, a read-only file system, a file where a folder should be)
 * are sentences naming the path and the fix, not bugs.
 */
import assert from "node:assert/strict";
import { UsageError } from "../lib/kit/errors.ts";
import {
  isMachineError,
  machineError,
  machineErrorSentence,
  machineProblem,
} from "../lib/app/machine_errors.ts";
import { resolveSettings } from "../lib/app/settings/resolve.ts";
import { fileExists } from "../lib/app/real_io.ts";
import type { ConfigIo } from "../lib/app/settings/types.ts";

/** An error as Deno gives it for `errno` on `op 'path'`. */
const osError = (errno: string, text: string, op: string) =>
  Object.assign(new Error(`${text} (os error 0): ${op}`), { code: errno });

const journal = { doing: "write the run journal", instead: "pass --state with another path" };

Deno.test("a full disk is a sentence naming the path and the fix", () => {
  let full: unknown;
  try {
    Deno.writeFileSync("/dev/full", new Uint8Array(8));
  } catch (e) {
    full = e;
  }
  // Where /dev/full is missing, an error as Linux gives it.
  full ??= osError("ENOSPC", "No space left on device", "write '/s/j.json.0a1b2c3d.tmp'");
  assert.ok(isMachineError(full));
  const e = machineError(full, { ...journal, path: "/s/j.json" });
  assert.ok(e instanceof UsageError);
  assert.equal(e.message, "Cannot write the run journal /s/j.json: the disk is full");
  assert.equal(
    e.hint,
    "Free some space on the disk that holds /s, or pass --state with another path on another disk.",
  );
  assert.equal(e.cause, full);
});

Deno.test("a read-only file system, no permission, a folder: each its own sentence", () => {
  const cases: [unknown, string, RegExp][] = [
    [
      osError("EROFS", "Read-only file system", "open '/s/j.json.lock'"),
      "the file system is read-only",
      /Mount it read-write, or pass --state/,
    ],
    [
      new Deno.errors.PermissionDenied("Permission denied (os error 13)"),
      "permission denied",
      /Give this user access to \/s/,
    ],
    [
      new Deno.errors.IsADirectory("Is a directory (os error 21)"),
      "it is a folder, not a file",
      /Pass --state with another path/,
    ],
    [
      osError("EDQUOT", "Disk quota exceeded", "write 'x'"),
      "the disk quota is used up",
      /Free some space in \/s/,
    ],
    [
      osError("ENAMETOOLONG", "File name too long", "open 'x'"),
      "the path is too long",
      /shorter name/,
    ],
  ];
  for (const [error, problem, fix] of cases) {
    const e = machineError(error, { ...journal, path: "/s/j.json" });
    assert.equal(e.message, `Cannot write the run journal /s/j.json: ${problem}`);
    assert.match(e.hint ?? "", fix);
    assert.ok(!e.message.includes("os error"), e.message);
  }
});

Deno.test("a path through a regular file names that file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-machine-" });
  try {
    await Deno.writeTextFile(`${dir}/file`, "x");
    let error: unknown;
    try {
      await Deno.open(`${dir}/file/j.json`, { write: true, create: true });
    } catch (e) {
      error = e;
    }
    assert.equal(
      machineProblem(error, `${dir}/file/j.json`),
      `${dir}/file is a file, not a folder`,
    );
    assert.equal(
      machineErrorSentence(error),
      `Cannot open ${dir}/file/j.json: ${dir}/file is a file, not a folder. ` +
        "Use another path.",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an error that is not the machine's keeps its message and takes the caller's hint", () => {
  const plain = new Error("no file j.json");
  assert.ok(!isMachineError(plain));
  assert.ok(!isMachineError(new TypeError("x is undefined")));
  const e = machineError(plain, { ...journal, path: "j.json", hint: "Pass --state FILE." });
  assert.equal(e.message, "Cannot write the run journal j.json: no file j.json");
  assert.equal(e.hint, "Pass --state FILE.");
  // A missing file is a wrong path: the caller's hint says best what to do.
  const missing = machineError(new Deno.errors.NotFound("No such file"), {
    doing: "read config file",
    path: "c.json",
    hint: "Run `tamr-refresh init`.",
  });
  assert.equal(missing.message, "Cannot read config file c.json: there is no such file");
  assert.equal(missing.hint, "Run `tamr-refresh init`.");
});

Deno.test("config and env files that are folders, or under a file, are sentences, not bugs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-machine-" });
  const io: ConfigIo = { env: {}, readTextFile: Deno.readTextFile, exists: fileExists };
  try {
    await Deno.writeTextFile(`${dir}/file`, "x");
    await assert.rejects(() => resolveSettings({ config: dir }, io), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, `Cannot read config file ${dir}: it is a folder, not a file`);
      assert.match(e.hint ?? "", /Pass --config with another file/);
      return true;
    });
    await assert.rejects(
      () => resolveSettings({ envFile: `${dir}/file/.env` }, io),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(
          e.message,
          `Cannot read env file ${dir}/file/.env: ${dir}/file is a file, not a folder`,
        );
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
