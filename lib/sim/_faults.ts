import type { Fault } from "./scenario.ts";

/** The route a request took, as far as fault matching cares. */
export type RouteName = "create" | "get" | "list" | "stop";

export interface FaultRequest {
  method: string;
  route: RouteName;
  /** The step the request concerns: the created configuration's, or the job's. */
  step: string | undefined;
}

/** Routes a kind can apply to at all (a `path` in the fault narrows this further). */
const ROUTES: Record<Fault["kind"], readonly RouteName[]> = {
  status: ["create", "get", "list", "stop"],
  html: ["create", "get", "list", "stop"],
  hang: ["create", "get", "list", "stop"],
  drop: ["create", "get", "list", "stop"],
  malformed: ["create", "get", "list", "stop"],
  unknownState: ["create", "get", "list"],
  lostCreate: ["create"],
  vanish: ["create", "get", "stop"],
  unauthorized: ["create", "get", "list", "stop"],
  outage: ["create", "get", "list", "stop"],
  oversize: ["create", "get", "list", "stop"],
  redirect: ["create", "get", "list", "stop"],
};

interface Entry {
  fault: Fault;
  seen: number;
  injected: number;
  /** For an outage: when its first request came (the tenant's time). */
  since?: number;
}

/** Decides, request by request, which scenario fault (if any) applies. */
export class FaultBook {
  readonly #entries: Entry[];
  readonly #now: () => number;

  /** `now` is the tenant's time, for outages; default the real clock's. */
  constructor(faults: readonly Fault[] = [], now: () => number = Date.now) {
    this.#entries = faults.map((fault) => ({ fault, seen: 0, injected: 0 }));
    this.#now = now;
  }

  /**
   * Counts the request against every fault it matches and returns the first one due to fire
   * (past its `after`, not yet fired `times` times).
   */
  next(request: FaultRequest): Fault | undefined {
    let chosen: Fault | undefined;
    for (const entry of this.#entries) {
      if (!matches(entry.fault, request)) continue;
      entry.seen++;
      const { after = 0, times = 1 } = entry.fault;
      const due = entry.fault.kind === "outage"
        ? entry.seen > after && this.#inOutage(entry, entry.fault.forMs)
        : entry.seen > after && (times === "always" || entry.injected < times);
      if (due && !chosen) {
        entry.injected++;
        chosen = entry.fault;
      }
    }
    return chosen;
  }

  /** True while an outage lasts: from its first request for `forMs`. */
  #inOutage(entry: Entry, forMs: number): boolean {
    const now = this.#now();
    entry.since ??= now;
    return now < entry.since + forMs;
  }
}

function matches(fault: Fault, request: FaultRequest): boolean {
  if (!ROUTES[fault.kind].includes(request.route)) return false;
  if (fault.method !== undefined && fault.method !== request.method) return false;
  if (fault.path !== undefined && fault.path !== request.route) return false;
  if (fault.step !== undefined && fault.step !== request.step) return false;
  return true;
}
