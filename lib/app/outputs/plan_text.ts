import type { RunSettings } from "../settings/config.ts";
import type { Plan } from "../../kit/run/plan.ts";
import { formatDuration } from "../../kit/duration.ts";

/** The plan as `--dry-run` prints it: each step, what it waits for, and the exact request body. */
export function formatPlan(run: RunSettings, plan: Plan): string {
  const lines = [
    `Plan for ${plan.dataProduct} on ${run.tenant} (${run.baseUrl}): ${plan.steps.length} steps`,
    `  ${run.concurrency} sources at once, polls at most every ${
      formatDuration(run.pollIntervalMs)
    }, each job times out after ${formatDuration(run.timeoutMs)}`,
    "",
  ];
  plan.steps.forEach((s, i) => {
    const after = s.kind === "load"
      ? "first"
      : s.kind === "update"
      ? "after every source succeeded"
      : `after ${s.dependsOn.join(", ")} succeeded`;
    lines.push(`${i + 1}. ${s.id}  (${after})`);
    lines.push(`   POST /api/v1beta1/jobs ${JSON.stringify({ configuration: s.configuration })}`);
  });
  lines.push("", "Dry run: nothing was created.");
  return lines.join("\n") + "\n";
}
