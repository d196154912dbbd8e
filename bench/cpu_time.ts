/**
 * How the machine's CPU time was spent over an interval, from Linux's `/proc/stat`: on a shared
 * virtual machine the hypervisor's "steal" can take a fifth of the CPU and move every figure, so
 * the results record it beside each scenario.
 *
 * @module
 */

/** Cumulative CPU time counters of all cores, in clock ticks. */
export interface CpuSnapshot {
  /** Time spent running anything (user, nice, system, irq, softirq). */
  busy: number;
  /** Time idle or waiting for I/O. */
  idle: number;
  /** Time the hypervisor ran something else while this machine wanted the CPU. */
  steal: number;
}

/** Shares of an interval's CPU time, 0 to 1. */
export interface CpuShares {
  /** Busy share. */
  busy: number;
  /** Idle share. */
  idle: number;
  /** Stolen share. */
  steal: number;
}

/**
 * Parses the aggregate `cpu` line of `/proc/stat`.
 *
 * @param stat The file's text.
 * @returns The counters.
 * @throws {Error} When there is no `cpu` line.
 */
export function parseProcStat(stat: string): CpuSnapshot {
  const line = stat.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) throw new Error("/proc/stat has no aggregate cpu line");
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = line.trim().split(/\s+/)
    .slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/**
 * Reads the counters now.
 *
 * @returns The counters, or undefined where `/proc/stat` cannot be read (not Linux).
 */
export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    return parseProcStat(Deno.readTextFileSync("/proc/stat"));
  } catch {
    return undefined;
  }
}

/**
 * The shares of the time between two snapshots.
 *
 * @param before The earlier snapshot.
 * @param after The later snapshot.
 * @returns Busy, idle and stolen shares.
 */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const busy = after.busy - before.busy;
  const idle = after.idle - before.idle;
  const steal = after.steal - before.steal;
  const total = busy + idle + steal;
  if (total <= 0) return { busy: 0, idle: 0, steal: 0 };
  return { busy: busy / total, idle: idle / total, steal: steal / total };
}
