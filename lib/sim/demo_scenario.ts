/** The demo's tenant: five sources, one data product, a search index and two destinations. */
import type { Scenario } from "./scenario.ts";

export const DEMO_SOURCES = [
  "crm_accounts",
  "erp_customers",
  "web_signups",
  "support_contacts",
  "billing_accounts",
] as const;
export const DEMO_DATA_PRODUCT = "dp_customer_360";
export const DEMO_WORKFLOW = "wf_customer_sor";
export const DEMO_DESTINATIONS = ["dest_snowflake", "dest_s3_golden"] as const;

/** The source that fails in `demoScenario({ fail: true })`. */
export const DEMO_FAILING_SOURCE = "web_signups";

/** The demo's longest wait between two polls at speed 1, in real ms. */
export const DEMO_POLL_INTERVAL_MS = 2_000;

/**
 * Simulated minutes played as real seconds (timeScale 60): sources take 2–4 s, the data product
 * about 5 s, the index and publishes about 2 s (each plus 1/3 s PENDING). The jobs alone take
 * about 12.3 s at concurrency 4; with the demo's polling (every 2 s at most) the run takes about
 * 14 s. The durations sit just under the demo's poll times, so polling adds little.
 * Five earlier runs' jobs are on the tenant (`pastRuns`), for the run to learn durations from.
 * With `fail`, the `web_signups` load ends with PLANNING_FAILED. With `speed` N, everything runs
 * N times faster (timeScale 60 N; the demo divides its poll interval by N too).
 */
export function demoScenario(options: { fail?: boolean; speed?: number } = {}): Scenario {
  const scenario: Scenario = {
    seed: 360,
    timeScale: 60 * (options.speed ?? 1),
    pendingMs: 20_000,
    stoppingMs: 15_000,
    jobLimit: 5,
    jitter: 0.03,
    // Last week's runs are on the tenant: the first run learns how long each step takes, so it
    // starts the longest sources first and shows the expected end from the start.
    pastRuns: 5,
    durations: {
      default: 150_000,
      "load:crm_accounts": 210_000,
      "load:erp_customers": 240_000,
      "load:web_signups": 180_000,
      "load:support_contacts": 114_000,
      "load:billing_accounts": 120_000,
      [`update:${DEMO_DATA_PRODUCT}`]: 300_000,
      [`index:${DEMO_WORKFLOW}`]: 114_000,
      "publish:dest_snowflake": 120_000,
      "publish:dest_s3_golden": 102_000,
    },
  };
  if (options.fail) {
    scenario.failures = {
      [`load:${DEMO_FAILING_SOURCE}`]: {
        reason: "PLANNING_FAILED",
        message: "Failed to plan the load of source web_signups: column 'signup_ts' in the " +
          "source mapping was not found in the file header of " +
          "s3://acme-landing/web/signups/2024-06-03.csv (found: signup_id, email, " +
          "created_at, utm_source, utm_campaign, referrer). Update the source mapping or " +
          "re-export the file with the expected header, then run the job again.",
      },
    };
  }
  return scenario;
}
