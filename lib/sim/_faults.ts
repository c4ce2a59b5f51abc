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
};

interface Entry {
  fault: Fault;
  seen: number;
  injected: number;
}

/** Decides, request by request, which scenario fault (if any) applies. */
export class FaultBook {
  readonly #entries: Entry[];

  constructor(faults: readonly Fault[] = []) {
    this.#entries = faults.map((fault) => ({ fault, seen: 0, injected: 0 }));
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
      const due = entry.seen > after && (times === "always" || entry.injected < times);
      if (due && !chosen) {
        entry.injected++;
        chosen = entry.fault;
      }
    }
    return chosen;
  }
}

function matches(fault: Fault, request: FaultRequest): boolean {
  if (!ROUTES[fault.kind].includes(request.route)) return false;
  if (fault.method !== undefined && fault.method !== request.method) return false;
  if (fault.path !== undefined && fault.path !== request.route) return false;
  if (fault.step !== undefined && fault.step !== request.step) return false;
  return true;
}
