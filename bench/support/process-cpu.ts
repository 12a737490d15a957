// CPU time of this process and of the servers it started (PostgreSQL, the Temporal dev server), from
// /proc: what a workload costs each of them, whatever else the machine is running. Linux only;
// elsewhere `sample` returns undefined and the benchmark says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export type CpuByProcess = Record<'worker' | 'postgres' | 'temporal' | 'other', number>;

export const ticksPerSecond = existsSync('/proc/self/stat') ? Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100 : 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime (reaped children count, e.g. PostgreSQL's ended backends), in ms. */
  ms: number;
}

function stat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    const cpu = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { pid: Number(pid), ppid: Number(f[1]), comm: text.slice(text.indexOf('(') + 1, close), ms: (cpu * 1000) / ticksPerSecond };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** CPU milliseconds used so far by this process and each of its descendants, grouped. */
export function sampleCpu(): CpuByProcess | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const all = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(stat)
    .filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const total: CpuByProcess = { worker: 0, postgres: 0, temporal: 0, other: 0 };
  const self = all.find((s) => s.pid === process.pid);
  const stack = self ? [self] : [];
  while (stack.length) {
    const s = stack.pop()!;
    const group = s.pid === process.pid ? 'worker' : s.comm.startsWith('postgres') ? 'postgres' : s.comm.startsWith('temporal') ? 'temporal' : 'other';
    total[group] += s.ms;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return total;
}

export function cpuSince(before: CpuByProcess, after: CpuByProcess): CpuByProcess {
  return {
    worker: after.worker - before.worker,
    postgres: after.postgres - before.postgres,
    temporal: after.temporal - before.temporal,
    other: after.other - before.other,
  };
}
