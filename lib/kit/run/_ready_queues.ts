/** The ready queues of the expected-end schedule (`eta.ts`): one per kind of step, in order. */
import type { StepKind } from "./plan.ts";

/** A step as the queues need it: its kind and its place in the scheduler's order. */
export interface Queued {
  view: { kind: StepKind };
  order: number;
}

/** The steps ready to start, one queue per kind, each in the scheduler's order. */
export class ReadyQueues<N extends Queued> {
  /** Each kind's queue, and where its first step still to start is. */
  readonly #byKind = new Map<StepKind, { nodes: N[]; head: number }>();

  constructor(nodes: readonly N[]) {
    for (const n of nodes) this.add(n);
  }

  add(node: N): void {
    let q = this.#byKind.get(node.view.kind);
    if (q === undefined) this.#byKind.set(node.view.kind, q = { nodes: [], head: 0 });
    let lo = q.head;
    let hi = q.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (q.nodes[mid]!.order < node.order) lo = mid + 1;
      else hi = mid;
    }
    q.nodes.splice(lo, 0, node);
  }

  /** Takes the first ready step, in order, of a kind that has room; undefined when none can start. */
  next(hasRoom: (kind: StepKind) => boolean): N | undefined {
    let best: { nodes: N[]; head: number } | undefined;
    for (const [kind, q] of this.#byKind) {
      if (q.head >= q.nodes.length || !hasRoom(kind)) continue;
      if (best === undefined || q.nodes[q.head]!.order < best.nodes[best.head]!.order) best = q;
    }
    return best === undefined ? undefined : best.nodes[best.head++];
  }
}
