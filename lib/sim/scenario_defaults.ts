/** What the simulated tenant does where its scenario says nothing (simulated ms). */
export const SCENARIO_DEFAULTS = {
  seed: 1,
  timeScale: 1,
  pendingMs: 300,
  stoppingMs: 300,
  jobLimit: 5,
  durationMs: 2000,
  jitter: 0,
} as const;
