import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
const dockerfile = await Deno.readTextFile(new URL("Dockerfile", ROOT));

function v8Flags(command: string): string[] {
  return command.split(/\s+/).filter((w) => w.startsWith("--v8-flags="));
}

Deno.test("every launcher starts the CLI with the same V8 flags (a small young generation)", () => {
  const start = v8Flags(config.tasks.start);
  assert.equal(start.length, 1);
  assert.match(start[0]!, /--max-semi-space-size=\d+/);
  assert.deepEqual(v8Flags(config.tasks.demo), start);
  assert.deepEqual(v8Flags(config.tasks.compile), start);
  const env = dockerfile.match(/DENO_V8_FLAGS=(\S+)/)?.[1];
  assert.equal(`--v8-flags=${env}`, start[0]);
});
