/**
 * The simulated Tamr tenant: a real HTTP server speaking the Jobs API, for the demo, the
 * integration tests and the benchmark.
 * @module
 */
export { parseScenario, SCENARIO_DEFAULTS } from "./scenario.ts";
export type { Fault, FaultKind, FaultMatch, Scenario, ScenarioFailure, Times } from "./scenario.ts";
export { STOPPED_BY_USER, TenantError, TenantModel } from "./tenant.ts";
export type { ListQuery, TenantModelOptions } from "./tenant.ts";
export { startSimTenant } from "./server.ts";
export type { RequestLogEntry, SimTenant, SimTenantOptions } from "./server.ts";
export { stepIdOf } from "./_config.ts";
export {
  DEMO_DATA_PRODUCT,
  DEMO_DESTINATIONS,
  DEMO_FAILING_SOURCE,
  DEMO_SOURCES,
  DEMO_WORKFLOW,
  demoScenario,
} from "./demo_scenario.ts";
