/** What the prompts gather: the answers, their checks, and the plan they make, as the review shows it. */
import { isTenantName, tenantBaseUrl } from "../lib/kit/tenant.ts";
import { buildPlan } from "../lib/kit/run/plan.ts";

export interface RunAnswers {
  tenant: string;
  baseUrl?: string;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow?: string;
  destinations: string[];
}

export interface Connection {
  tenant: string;
  baseUrl?: string;
  apiKey: string;
}

/** The tenant validator: true, or a sentence naming the rule and the value. */
export function validateTenant(value: string): true | string {
  const v = value.trim();
  if (isTenantName(v)) return true;
  return `A tenant is a DNS label: 1 to 63 lowercase letters, digits or hyphens, not starting or ` +
    `ending with a hyphen (got ${JSON.stringify(v)}).`;
}

/** The review text: tenant, base URL and each step id in order. */
export function planText(a: RunAnswers): string {
  const plan = buildPlan(a);
  const loads = plan.steps.filter((s) => s.kind === "load").length;
  const lines = [
    "",
    "Plan",
    `  tenant    ${a.tenant}`,
    `  base URL  ${a.baseUrl ?? tenantBaseUrl(a.tenant)}`,
    "  steps, in order:",
    ...plan.steps.map((s, i) => {
      const after = s.kind === "load"
        ? ""
        : s.kind === "update"
        ? `  (after ${
          loads === 1 ? "the load" : loads === 2 ? "both loads" : `all ${loads} loads`
        })`
        : `  (after update:${plan.dataProduct})`;
      return `    ${i + 1}. ${s.id}${after}`;
    }),
    "",
  ];
  return lines.join("\n");
}

export function answersOf(a: {
  tenant: string;
  baseUrl: string | undefined;
  apiKey: string;
  sources: string[];
  dataProduct: string;
  workflow: string | undefined;
  destinations: string[];
}): RunAnswers {
  return {
    tenant: a.tenant,
    ...(a.baseUrl ? { baseUrl: a.baseUrl } : {}),
    apiKey: a.apiKey,
    sources: a.sources,
    dataProduct: a.dataProduct,
    ...(a.workflow ? { workflow: a.workflow } : {}),
    destinations: a.destinations,
  };
}
