import assert from "node:assert/strict";
import { cli } from "../lib/app/program.ts";
import { UsageError } from "../lib/kit/errors.ts";
import { fakeIo } from "./_io.ts";

Deno.test("a mistyped command is named as an unknown command, with the nearest one", async () => {
  const io = fakeIo(new Map());
  await assert.rejects(
    () => cli(["demoo"], io),
    (e: unknown) =>
      e instanceof UsageError && /Unknown command "demoo"; did you mean "demo"\?/.test(e.message),
  );
  await assert.rejects(() => cli(["jbos", "list"], io), /did you mean "jobs"/);
  await assert.rejects(
    () => cli(["frobnicate"], io),
    (e: unknown) => e instanceof UsageError && !/did you mean/.test(e.message),
  );
});
