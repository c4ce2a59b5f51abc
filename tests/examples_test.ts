/**
 * The container and scheduler examples cannot run here (no Docker engine, no cluster, no GitHub
 * runner): these tests parse them, check the fields each system requires, and check that every
 * tamr-refresh flag they use is one the CLI knows.
 */
import assert from "node:assert/strict";
import { parseAllDocuments, parseDocument } from "yaml";
import { resolveSettings } from "../lib/app/settings/config.ts";
import { memoryIo } from "./_io.ts";
import { childEnv, ROOT, runCli } from "./_cli.ts";

const read = (path: string) => Deno.readTextFile(`${ROOT}${path}`);

/** Parses YAML strictly: any error or warning fails the test. */
function yaml(text: string, name: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], name);
  return doc.toJS();
}

/** Every `--flag` that `tamr-refresh run --help` lists (once). */
let runFlags: Promise<Set<string>> | undefined;
const knownRunFlags = () =>
  runFlags ??= runCli(["run", "--help"], childEnv()).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return new Set([...r.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!));
  });

async function assertKnownFlags(command: string, where: string) {
  const known = await knownRunFlags();
  const used = [...command.matchAll(/(?<=\s)--[a-z-]+/g)].map((m) => m[0]);
  assert.ok(used.length > 0, `${where}: no flags found in ${command}`);
  for (const flag of used) assert.ok(known.has(flag), `${where} uses ${flag}, unknown to run`);
}

const CRON = /^(\S+\s+){4}\S+$/;

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("examples/github-actions.yml is a workflow GitHub Actions accepts", async () => {
  const wf = yaml(await read("examples/github-actions.yml"), "github-actions.yml") as Any;
  assert.equal(typeof wf.name, "string");
  assert.ok(Array.isArray(wf.on.schedule) && wf.on.schedule.length > 0);
  for (const s of wf.on.schedule) assert.match(s.cron, CRON);
  assert.ok("workflow_dispatch" in wf.on);
  assert.deepEqual(wf.permissions, { contents: "read" });
  const jobs = Object.entries(wf.jobs) as [string, Any][];
  assert.equal(jobs.length, 1);
  const [id, job] = jobs[0]!;
  assert.match(id, /^[A-Za-z_][\w-]*$/, "job ids start with a letter or _");
  assert.equal(typeof job["runs-on"], "string");
  assert.ok(Number.isInteger(job["timeout-minutes"]));
  for (const step of job.steps) {
    assert.ok(
      ("uses" in step) !== ("run" in step),
      `a step has uses or run: ${JSON.stringify(step)}`,
    );
    if (step.uses) assert.match(step.uses, /^[\w-]+\/[\w-]+@v\d+$/);
  }
  const run = job.steps.find((s: Any) =>
    typeof s.run === "string" && s.run.includes("tamr-refresh") ||
    s.run?.includes("deno task start")
  );
  assert.ok(run, "a step runs tamr-refresh");
  assert.equal(run.env.TAMR_API_KEY, "${{ secrets.TAMR_API_KEY }}", "the key comes from a secret");
  assert.ok(!/TAMR_API_KEY=|--api-key/.test(run.run), "never the key on the command line");
  await assertKnownFlags(` ${run.run}`, "github-actions.yml");
  const upload = job.steps.find((s: Any) => s.uses?.startsWith("actions/upload-artifact@"));
  assert.equal(upload.if, "${{ always() }}", "the report is kept when the refresh fails");
  assert.match(run.run, new RegExp(`--junit ${upload.with.path.replace(/\./g, "\\.")}`));
});

Deno.test("examples/k8s-cronjob.yaml is a ConfigMap and a batch/v1 CronJob with the key from a Secret", async () => {
  const docs = parseAllDocuments(await read("examples/k8s-cronjob.yaml"), { uniqueKeys: true });
  assert.ok(Array.isArray(docs));
  for (const d of docs) assert.deepEqual([...d.errors, ...d.warnings].map((e) => e.message), []);
  const [configMap, cronJob] = docs.map((d) => d.toJS()) as Any[];
  assert.deepEqual([configMap.apiVersion, configMap.kind], ["v1", "ConfigMap"]);
  assert.deepEqual([cronJob.apiVersion, cronJob.kind], ["batch/v1", "CronJob"]);
  for (const o of [configMap, cronJob]) {
    assert.match(o.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }

  // The config in the ConfigMap is one tamr-refresh accepts.
  const settings = await resolveSettings(
    { config: "/config/tamr-refresh.json" },
    memoryIo({ "/config/tamr-refresh.json": configMap.data["tamr-refresh.json"] }),
  );
  assert.equal(settings.tenant, "acme");

  const spec = cronJob.spec;
  assert.match(spec.schedule, CRON);
  assert.ok(["Allow", "Forbid", "Replace"].includes(spec.concurrencyPolicy));
  const pod = spec.jobTemplate.spec.template.spec;
  assert.ok(
    ["Never", "OnFailure"].includes(pod.restartPolicy),
    "a Job's pods never restart Always",
  );
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.runAsUser, 1993, "the official Deno image's `deno` user");
  assert.equal(pod.containers.length, 1);
  const c = pod.containers[0];
  const key = c.env.find((e: Any) => e.name === "TAMR_API_KEY");
  assert.deepEqual(Object.keys(key.valueFrom), ["secretKeyRef"]);
  assert.equal(typeof key.valueFrom.secretKeyRef.name, "string");
  assert.equal(typeof key.valueFrom.secretKeyRef.key, "string");
  assert.ok(!("value" in key), "the key is never inline");
  assert.equal(c.args[0], "run");
  await assertKnownFlags(` ${c.args.join(" ")}`, "k8s-cronjob.yaml");
  const volumes = new Set(pod.volumes.map((v: Any) => v.name));
  for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `volume ${m.name} is declared`);
  const mounts = c.volumeMounts.map((m: Any) => m.mountPath);
  assert.ok(mounts.includes("/state"), "the journal directory of the image is writable");
  assert.ok(mounts.includes("/config"));
});

Deno.test("examples/crontab is one cron line: five time fields, then a tamr-refresh command", async () => {
  const lines = (await read("examples/crontab")).split("\n").filter((l) =>
    l.trim() && !l.startsWith("#")
  );
  assert.equal(lines.length, 1);
  const fields = lines[0]!.split(/\s+/);
  assert.match(fields.slice(0, 5).join(" "), CRON);
  for (const f of fields.slice(0, 5)) assert.match(f, /^(\*|\d+)([-,/]\d+)*$/);
  assert.ok(!lines[0]!.includes("%"), "cron turns % into a newline");
  assert.ok(fields.includes("/usr/local/bin/tamr-refresh"));
  assert.ok(!lines[0]!.includes("TAMR_API_KEY"), "the key comes from the env file, not the line");
  await assertKnownFlags(lines[0]!.slice(lines[0]!.indexOf(" run ")), "crontab");
});

Deno.test("the Dockerfile uses the official Deno image, caches at build time, runs headless and non-root", async () => {
  const text = await read("Dockerfile");
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  assert.match(
    lines.find((l) => l.startsWith("FROM "))!,
    /^FROM denoland\/deno:\$\{DENO_VERSION\}$/,
  );
  assert.match(text, /^ARG DENO_VERSION=\d+\.\d+\.\d+$/m);
  const user = at(/^USER deno$/);
  assert.ok(user > 0, "a non-root user");
  assert.ok(at(/^RUN deno install --frozen$/) > user, "dependencies cached as that user");
  assert.ok(at(/^RUN deno install --frozen --entrypoint main\.ts$/) > at(/^COPY main\.ts/));
  assert.match(text, /^ENV CI=true \\$/m, "headless by default");
  const entry = JSON.parse(lines.find((l) => l.startsWith("ENTRYPOINT "))!.slice(11));
  assert.deepEqual(entry.slice(0, 2), ["deno", "run"]);
  assert.equal(entry.at(-1), "/app/main.ts");
  assert.ok(entry.includes("--cached-only"), "nothing is fetched at run time");
  const compile = JSON.parse(await read("deno.json")).tasks.compile as string;
  const perms = (args: string[]) => args.filter((a) => a.startsWith("--allow-")).sort();
  assert.deepEqual(perms(entry), perms(compile.split(/\s+/)), "same permissions as the binary");
  // Every file the image copies exists and is not excluded by .dockerignore.
  const ignored = (await read(".dockerignore")).split("\n").filter((l) => l && !l.startsWith("#"));
  for (const l of lines.filter((l) => l.startsWith("COPY "))) {
    for (const src of l.split(/\s+/).slice(1, -1)) {
      await Deno.stat(`${ROOT}${src}`);
      const name = src.replace(/\/$/, "");
      const excluded = ignored.some((p) =>
        p === name || (p === "*.json" && name.endsWith(".json"))
      );
      const reincluded = ignored.includes(`!${name}`);
      assert.ok(!excluded || reincluded, `${src} is not excluded by .dockerignore`);
    }
  }
  assert.ok(ignored.includes(".git") && ignored.includes("tests"));
});
