/**
 * The layout shows the architecture: the kit depends on nothing of the application, the simulated
 * tenant only on the kit, and the application's parts import each other in one direction only.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(join(ROOT, dir))) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(e.name)) out.push(path);
  }
  return out;
}

/** Every relative import of a file (static, dynamic, re-export), as paths from the root. */
function importsOf(file: string): string[] {
  const text = Deno.readTextFileSync(join(ROOT, file));
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** The part a file belongs to. */
function partOf(file: string): string {
  if (file === "main.ts") return "main";
  if (file.startsWith("lib/kit/")) return "kit";
  if (file === "lib/mod.ts") return "kit";
  if (file.startsWith("lib/sim/")) return "sim";
  if (file.startsWith("tui/")) return "tui";
  if (file.startsWith("lib/app/commands/")) return "app/commands";
  if (file.startsWith("lib/app/program")) return "app/program";
  if (file.startsWith("lib/app/")) return `app/${file.split("/")[2]!.replace(/\.tsx?$/, "")}`;
  return "other";
}

const files = ["main.ts", ...sourceFiles("lib"), ...sourceFiles("tui")];
const edges = new Set<string>();
for (const f of files) {
  for (const target of importsOf(f)) edges.add(`${partOf(f)} -> ${partOf(target)}`);
}
const partEdges = [...edges].map((e) => e.split(" -> ") as [string, string]).filter(([a, b]) =>
  a !== b
);

Deno.test("the kit imports nothing of the application, the terminal UI or the simulated tenant", () => {
  const out = partEdges.filter(([a]) => a === "kit").map(([, b]) => b);
  assert.deepEqual(out, []);
});

Deno.test("the simulated tenant, a test double, imports only the kit", () => {
  const out = partEdges.filter(([a]) => a === "sim").map(([, b]) => b);
  assert.deepEqual([...new Set(out)], ["kit"]);
});

Deno.test("the terminal UI never imports the commands or the program", () => {
  const out = partEdges.filter(([a, b]) => a === "tui" && /^app\/(commands|program)/.test(b));
  assert.deepEqual(out, []);
});

Deno.test("the application's parts import each other in one direction only (no cycles)", () => {
  const next = new Map<string, string[]>();
  for (const [a, b] of partEdges) next.set(a, [...(next.get(a) ?? []), b]);
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
      return;
    }
    for (const n of next.get(node) ?? []) visit(n, [...path, node]);
  };
  for (const start of next.keys()) visit(start, []);
  assert.deepEqual([...new Set(cycles)], []);
});
