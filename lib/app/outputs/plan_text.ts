import type { RunSettings } from "../settings/config.ts";
import type { Plan } from "../../kit/run/plan.ts";
import { formatDuration } from "../../kit/duration.ts";

/**
 * `4 sources at once`, or fewer when there are fewer sources: `1 source at once` for one source.
 */
export function sourcesAtOnce(concurrency: number, sources: number): string {
  const n = Math.max(1, Math.min(concurrency, sources));
  return `${n} source${n === 1 ? "" : "s"} at once`;
}

/** The plan as `--dry-run` prints it: each step, what it waits for, and the exact request body. */
export function formatPlan(run: RunSettings, plan: Plan): string {
  const lines = [
    `Plan for ${plan.dataProduct} on ${run.tenant} (${run.baseUrl}): ${plan.steps.length} steps`,
    `  ${
      sourcesAtOnce(run.concurrency, plan.steps.filter((s) => s.kind === "load").length)
    }, polls at most every ${formatDuration(run.pollIntervalMs)}, each job times out after ${
      formatDuration(run.timeoutMs)
    }`,
    "",
  ];
  // Numbers aligned from 10 on: " 9. load:a", "10. load:b"; the request under its step id.
  const width = String(plan.steps.length).length;
  plan.steps.forEach((s, i) => {
    const after = s.kind === "load"
      ? "first"
      : s.kind === "update"
      ? "after every source succeeded"
      : `after ${s.dependsOn.join(", ")} succeeded`;
    lines.push(`${String(i + 1).padStart(width)}. ${s.id}  (${after})`);
    lines.push(
      `${" ".repeat(width + 2)}POST /api/v1beta1/jobs ${
        JSON.stringify({ configuration: s.configuration })
      }`,
    );
  });
  lines.push("", "Dry run: nothing was created.");
  return lines.join("\n") + "\n";
}
