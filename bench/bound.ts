/**
 * The lower bound of the benchmark: the shortest wall time any strategy could reach on a tenant
 * that runs at most `slots` jobs at once, given each job's duration.
 *
 * The pipeline has three phases with a full barrier between them (every source before the data
 * product, the data product before the index and the publishes), so the shortest run is the sum
 * of the shortest schedule of each phase: the optimal makespan of the sources on `slots`
 * machines, plus the data product, plus the optimal makespan of the index and publish jobs.
 */

/** The shortest time `durations` take on `slots` parallel slots, and whether it is exact. */
export interface Makespan {
  ms: number;
  /** True when found by exhaustive search; false for a lower bound (too many jobs to search). */
  exact: boolean;
}

/** Exhaustive search is used up to this many jobs; beyond, the classic lower bound. */
const MAX_EXACT_JOBS = 16;

/**
 * The optimal makespan of independent jobs on identical slots (no preemption).
 *
 * Up to 16 jobs: exact, by branch and bound over assignments of jobs (longest first) to slots,
 * skipping slots with equal loads (they are interchangeable) and pruning any partial assignment
 * that cannot beat the best found. The search starts from the LPT schedule and stops early when it
 * meets `max(longest job, total / slots)`, which no schedule can beat.
 * More jobs: that lower bound, marked `exact: false`.
 */
export function optimalMakespan(durations: readonly number[], slots: number): Makespan {
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`optimalMakespan() needs a whole number of slots, got ${slots}`);
  }
  for (const d of durations) {
    if (!Number.isFinite(d) || d < 0) {
      throw new RangeError(`optimalMakespan() needs durations of 0 or more, got ${d}`);
    }
  }
  if (durations.length === 0) return { ms: 0, exact: true };
  const jobs = [...durations].sort((a, b) => b - a);
  const total = jobs.reduce((a, b) => a + b, 0);
  const floor = Math.max(jobs[0]!, total / slots);
  if (jobs.length > MAX_EXACT_JOBS) return { ms: floor, exact: false };

  let best = listMakespan(jobs, slots);
  const loads = new Array<number>(slots).fill(0);
  const search = (i: number): void => {
    if (best <= floor) return;
    if (i === jobs.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    const tried = new Set<number>();
    for (let s = 0; s < slots; s++) {
      const load = loads[s]!;
      if (tried.has(load)) continue; // same load: the same subtree
      tried.add(load);
      if (load + jobs[i]! >= best) continue;
      loads[s] = load + jobs[i]!;
      search(i + 1);
      loads[s] = load;
    }
  };
  search(0);
  return { ms: best, exact: true };
}

/**
 * The makespan of list scheduling: jobs start in the given order, each on the first slot to free
 * up. With jobs sorted longest first this is LPT; in plan order it is what a runner without
 * duration history does.
 */
export function listMakespan(durations: readonly number[], slots: number): number {
  const free = new Array<number>(Math.max(1, slots)).fill(0);
  for (const d of durations) {
    let s = 0;
    for (let k = 1; k < free.length; k++) if (free[k]! < free[s]!) s = k;
    free[s] = free[s]! + d;
  }
  return Math.max(...free);
}

/** The durations of a pipeline's jobs, by phase. */
export interface PipelineDurations {
  loads: readonly number[];
  update: number;
  /** The index update and the publishes, which run side by side after the data product. */
  after: readonly number[];
}

/** The lower bound of a whole pipeline and its parts. */
export interface PipelineBound {
  ms: number;
  loads: Makespan;
  update: number;
  after: Makespan;
  exact: boolean;
}

/** The shortest wall time of the pipeline on a tenant running at most `slots` jobs at once. */
export function pipelineBound(p: PipelineDurations, slots: number): PipelineBound {
  const loads = optimalMakespan(p.loads, slots);
  const after = optimalMakespan(p.after, slots);
  return {
    ms: loads.ms + p.update + after.ms,
    loads,
    update: p.update,
    after,
    exact: loads.exact && after.exact,
  };
}
