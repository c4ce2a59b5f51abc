import assert from "node:assert/strict";
import { selfCommand } from "../lib/app/self_command.ts";

const checkout = "file:///home/me/tamr-refresh/main.ts";
const deno = "/usr/local/bin/deno";

Deno.test("the hint from `npx -y deno@2 task start` goes through npx again (Deno is not on the PATH)", () => {
  const env = { INIT_CWD: "/home/me/tamr-refresh", npm_command: "exec" };
  assert.equal(
    selfCommand({
      env,
      execPath: "/root/.npm/_npx/x/node_modules/deno/deno",
      mainModule: checkout,
    }),
    "npx -y deno@2 task start",
  );
});

Deno.test("the hint from `deno task start` is `deno task start`, changing to the checkout when started elsewhere", () => {
  assert.equal(
    selfCommand({
      env: { INIT_CWD: "/home/me/tamr-refresh" },
      execPath: deno,
      mainModule: checkout,
    }),
    "deno task start",
  );
  assert.equal(
    selfCommand({ env: { INIT_CWD: "/tmp" }, execPath: deno, mainModule: checkout }),
    "cd /home/me/tamr-refresh && deno task start",
  );
});

Deno.test("the hint from `deno run` names main.ts by its path; from the binary, the binary", () => {
  assert.equal(
    selfCommand({ env: {}, execPath: deno, mainModule: "file:///home/me/my%20tools/main.ts" }),
    "deno run -A '/home/me/my tools/main.ts'",
  );
  assert.equal(
    selfCommand({ env: {}, execPath: "/usr/local/bin/tamr-refresh", mainModule: checkout }),
    "/usr/local/bin/tamr-refresh",
  );
});

Deno.test("TAMR_REFRESH_COMMAND (set by the container image) is the hint as it is", () => {
  const env = { TAMR_REFRESH_COMMAND: "docker run --rm -e TAMR_API_KEY tamr-refresh" };
  assert.equal(
    selfCommand({ env, execPath: deno, mainModule: "file:///app/main.ts" }),
    "docker run --rm -e TAMR_API_KEY tamr-refresh",
  );
});
