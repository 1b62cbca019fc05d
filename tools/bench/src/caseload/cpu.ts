/**
 * Where the machine's CPU time goes during a measurement (Linux /proc): per process group of ours, the
 * rest of the machine (other users' work on a shared machine shows here), and idle.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every mainstream Linux build

/** utime + stime (+ reaped children's cutime + cstime when asked), in seconds; 0 when gone. */
function processSeconds(pid: number, withReapedChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime = field 14, stime 15, cutime 16, cstime 17.
    const ticks =
      Number(fields[11]) +
      Number(fields[12]) +
      (withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * A process and all its descendants: the live ones' own time plus what the root has reaped from exited
 * children (cutime/cstime). For PostgreSQL, the postmaster and every backend, including those that came
 * and went during the interval.
 */
export function treeSeconds(root: number): number {
  const pids = allPids();
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = processSeconds(root, true);
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    total += processSeconds(pid, false);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Whole machine: busy and total CPU seconds over all cores since boot. */
export function machineSeconds(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const t = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest is already in user)
    const idle = t[3] + (t[4] ?? 0);
    const total = t.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** CPU seconds of this process's children that have exited and been reaped (e.g. a finished pgbench). */
export function reapedChildrenSeconds(): number {
  return processSeconds(process.pid, true) - processSeconds(process.pid, false);
}

/** The pid of a process whose command line contains `needle` (e.g. the Kafka broker's data folder). */
export function findPid(needle: string): number | undefined {
  for (const pid of allPids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

export type CpuGroups = Record<string, () => number | undefined>;

export interface CpuShare {
  /** CPU seconds per group over the interval. */
  seconds: Record<string, number>;
  /** Busy CPU seconds of the whole machine, and the wall-clock capacity (seconds × cores). */
  machineBusy: number;
  capacity: number;
}

/** Samples the groups (each returns cumulative CPU seconds) and the machine at start and stop. */
export function cpuMeter(groups: CpuGroups): { stop(): CpuShare } {
  const read = () =>
    Object.fromEntries(Object.entries(groups).map(([name, f]) => [name, f() ?? NaN])) as Record<
      string,
      number
    >;
  const before = read();
  const m0 = machineSeconds();
  return {
    stop() {
      const after = read();
      const m1 = machineSeconds();
      const seconds = Object.fromEntries(
        Object.keys(groups).map((name) => [name, after[name] - before[name]]),
      ) as Record<string, number>;
      return { seconds, machineBusy: m1.busy - m0.busy, capacity: m1.total - m0.total };
    },
  };
}
