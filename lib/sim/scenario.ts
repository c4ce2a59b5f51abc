/**
 * What the simulated tenant does: how long jobs take, which fail, which requests go wrong.
 * Every duration here is simulated time; the tenant divides it by `timeScale`. Its defaults are in
 * `scenario_defaults.ts`, its reading from JSON in `parse_scenario.ts`.
 */
export { SCENARIO_DEFAULTS } from "./scenario_defaults.ts";
export { parseScenario } from "./parse_scenario.ts";

/** How many times something happens: a count, or `"always"`. */
export type Times = number | "always";

/** A job that ends DONE with this error (the first `times` jobs of the step; default always). */
export interface ScenarioFailure {
  reason: string;
  message: string;
  times?: Times;
}

/** Which requests a fault applies to. Every field narrows the match; none matches every request. */
export interface FaultMatch {
  method?: "GET" | "POST";
  path?: "create" | "get" | "list" | "stop";
  /** A step id: creates of that configuration, gets and stops of that step's jobs. */
  step?: string;
  /** Skip the first `after` matching requests. Default 0. */
  after?: number;
  /** How many matching requests get the fault. Default 1. */
  times?: Times;
}

/** One injected fault: what the client sees instead of (or on top of) the normal answer. */
export type Fault =
  & FaultMatch
  & (
    /** Answer `status` with a JSON error body (and `Retry-After` when given); nothing is done. */
    | { kind: "status"; status: number; message?: string; retryAfter?: string }
    /** Answer `status` (default 502) with an HTML page, as a load balancer does; nothing is done. */
    | { kind: "html"; status?: number }
    /** Never answer (nothing is done), until the client gives up or the server closes. */
    | { kind: "hang" }
    /** Break the connection without a usable answer (nothing is done): the client's fetch throws. */
    | { kind: "drop" }
    /** Do the work, then answer with the JSON body cut in half. */
    | { kind: "malformed" }
    /** Do the work, but the job's state reads `STATE_UNSPECIFIED` in the answer. */
    | { kind: "unknownState" }
    /**
     * The create IS performed, but the answer is lost: the connection is dropped (default),
     * an HTML page with `status` is sent, or (with `hang`) no answer comes at all.
     */
    | { kind: "lostCreate"; status?: number; hang?: boolean }
    /**
     * The job is forgotten: a matching get or stop and every later one answer 404. A matching
     * create is answered normally, and then the job is forgotten.
     */
    | { kind: "vanish" }
    /** Answer 401 as if the API key had been revoked. */
    | { kind: "unauthorized" }
    /**
     * A tenant outage: from the first matching request (past `after`), every matching request for
     * `forMs` of the tenant's time is answered `status` (default 503) with a JSON error body and
     * `Retry-After` when given; nothing is done. `times` does not apply.
     */
    | { kind: "outage"; forMs: number; status?: number; retryAfter?: string }
    /** Do the work, then answer 200 with a body of `bytes` (default 50 MB), sent as it is read. */
    | { kind: "oversize"; bytes?: number }
    /** Answer a redirect (`status`, default 307) to `location` (default `/maintenance`); nothing is done. */
    | { kind: "redirect"; status?: number; location?: string }
  );

export type FaultKind = Fault["kind"];

/** The simulated tenant's behaviour. Every field is optional. */
export interface Scenario {
  /** Seed of the jitter: each job's is drawn from it, its step id and how many came before. Default 1. */
  seed?: number;
  /** Simulated time per real time: 60 makes one real second a simulated minute. Default 1. */
  timeScale?: number;
  /** How long a job stays PENDING (simulated ms). Default 300. */
  pendingMs?: number;
  /** How long STOPPING lasts before DONE (simulated ms). Default 300. */
  stoppingMs?: number;
  /** At most this many jobs not DONE; a create beyond it answers 429. Default 5. */
  jobLimit?: number;
  /** How long a job RUNS (simulated ms), by step id, with `default` for the rest (2000). */
  durations?: Record<string, number>;
  /** Fraction (0..1) by which durations vary, drawn from the seeded PRNG. Default 0. */
  jitter?: number;
  /** Steps whose jobs fail, by step id. */
  failures?: Record<string, ScenarioFailure>;
  /** Faults injected into the HTTP answers. */
  faults?: Fault[];
  /**
   * How far the tenant's clock is ahead of ours (negative: behind), in ms: every time it gives
   * (job times, the `Date` header, what `create_time()` compares) is shifted by it. Default 0.
   */
  clockOffsetMs?: number;
  /** Answer 400 to any list request with a `filter`, as a tenant without filters would. */
  refuseFilters?: boolean;
  /**
   * The order of `GET /jobs`, most recent first: by creation (`created`, the default) or by start
   * time (`started`: when the job began running, or its creation while it never ran), so a
   * long-PENDING job sits below older jobs that started after it was created.
   */
  listOrder?: "created" | "started";
  /** The order of each job's `statusHistory`: `oldestFirst` (the default) or `newestFirst`. */
  statusHistoryOrder?: "oldestFirst" | "newestFirst";
  /**
   * Echo each job's configuration with fields the server filled in: a default with a value, an
   * empty one and a null one, as an API that adds fields without a version bump would.
   */
  echoServerFields?: boolean;
  /**
   * Earlier runs whose jobs the tenant still lists: this many runs of the steps named in
   * `durations` (not `default`; a publish takes the data product of the `update:` step), each job
   * PENDING → RUNNING → DONE without error in the past, a day apart, with `jitter` applied from a
   * PRNG of their own. They are not counted by `creates()`. Default 0.
   */
  pastRuns?: number;
}
