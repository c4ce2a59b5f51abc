/**
 * The simulated Tamr tenant: the Jobs API as a real HTTP server or in-process through its own
 * `fetch`, and a virtual clock to run it on, for the demo, the tests and the benchmark.
 * @module
 */
export { parseScenario, SCENARIO_DEFAULTS } from "./scenario.ts";
export type { Fault, FaultKind, FaultMatch, Scenario, ScenarioFailure, Times } from "./scenario.ts";
export { STOPPED_BY_USER, TenantError, TenantModel } from "./tenant.ts";
export type { ListQuery, TenantModelOptions } from "./tenant.ts";
export { startSimTenant } from "./server.ts";
export type { SimTenant, SimTenantOptions } from "./server.ts";
export { createSimHandler } from "./handler.ts";
export type { Outcome, RequestLogEntry, SimHandler, SimHandlerOptions } from "./handler.ts";
export { createInProcessTenant, IN_PROCESS_BASE_URL } from "./in_process.ts";
export type { InProcessTenant, InProcessTenantOptions } from "./in_process.ts";
export { VIRTUAL_EPOCH, VirtualClock } from "./virtual_clock.ts";
export type { VirtualClockOptions } from "./virtual_clock.ts";
export { stepIdOf } from "./_config.ts";
export {
  DEMO_DATA_PRODUCT,
  DEMO_DESTINATIONS,
  DEMO_FAILING_SOURCE,
  DEMO_SOURCES,
  DEMO_WORKFLOW,
  demoScenario,
} from "./demo_scenario.ts";
