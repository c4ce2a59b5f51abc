/** @jsxImportSourceTypes @types/react */
import { renderToString } from "ink";
import { Dashboard } from "/work/main/tui/dashboard.tsx";
import { reduceAll } from "/work/main/lib/view_state.ts";
import type { RunEvent } from "/work/main/lib/events.ts";
const T0 = Date.parse("2025-01-01T00:00:00Z");
const t = (s: number) => new Date(T0 + s * 1000).toISOString();
const n = Number(Deno.args[0] ?? 5);
const sources = Array.from({ length: n }, (_, i) => `${Deno.env.get("PFX") ?? ""}source-${String(i).padStart(4, "0")}`);
const ev: RunEvent[] = [{
  type: "start",
  time: t(0),
  version: 1,
  tenant: "acme",
  baseUrl: "https://acme.tamr.cloud",
  dataProduct: "dp-customers",
  concurrency: 4,
  steps: [
    ...sources.map((s) => ({
      step: `load:${s}`,
      kind: "load" as const,
      target: s,
      dependsOn: [],
      body: { configuration: {} },
    })),
    {
      step: "update:dp-customers",
      kind: "update",
      target: "dp-customers",
      dependsOn: [],
      body: { configuration: {} },
    },
    {
      step: "publish:dest-1",
      kind: "publish",
      target: "dest-1",
      dependsOn: [],
      body: { configuration: {} },
    },
  ],
}];
sources.forEach((s, i) => {
  if (i < n - 6) {
    ev.push({
      type: "step",
      time: t(i),
      step: `load:${s}`,
      kind: "load",
      target: s,
      state: "running",
      jobId: `job-${i}`,
      jobState: "RUNNING",
    });
    ev.push({
      type: "step",
      time: t(i + 30),
      step: `load:${s}`,
      kind: "load",
      target: s,
      state: "succeeded",
      jobId: `job-${i}`,
      jobState: "DONE",
    });
  } else if (i < n - 3) {
    ev.push({
      type: "step",
      time: t(i),
      step: `load:${s}`,
      kind: "load",
      target: s,
      state: "running",
      jobId: `job-${i}`,
      jobState: "RUNNING",
    });
  }
});
ev.push({
  type: "retry",
  time: t(50),
  step: `load:${sources[n - 4]}`,
  method: "GET",
  path: "/x",
  status: 503,
  attempt: 1,
  delayMs: 1,
  reason: "503",
});
ev.push({
  type: "step",
  time: t(55),
  step: `load:${sources[n - 5]}`,
  kind: "load",
  target: sources[n - 5]!,
  state: "failed",
  jobState: "DONE",
  error: {
    reason: "PLANNING_FAILED",
    message: "The source could not be planned because its schema changed since the last load.",
  },
});
console.log(
  renderToString(
    <Dashboard
      state={reduceAll(ev)}
      now={T0 + 100_000}
      rows={Number(Deno.args[1] ?? 0) || undefined}
      columns={Number(Deno.env.get("COLS") ?? 100)}
      overlay={(Deno.args[2] ?? null) as any}
    />,
    { columns: 100 },
  ),
);
