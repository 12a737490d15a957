// Where the worker process's CPU goes: per thread from /proc (the JavaScript main thread that runs
// the steps, Temporal's core SDK threads, workflow threads, V8's GC helpers, libuv), and the main
// thread's JavaScript by file from a V8 CPU profile (node:inspector), grouped into the SDK, the
// step runner and engine, the pg driver, the COPY layer and the demo's own code. Linux only for threads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ticksPerSecond } from './process-cpu.ts';

/** CPU ms so far of each thread of this process, by thread name (threads of one name summed). */
export function sampleThreads(): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return out;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const f = text.slice(close + 2).split(' ');
      const name = Number(tid) === process.pid ? 'main (JavaScript)' : text.slice(text.indexOf('(') + 1, close).replace(/[-_ ]?\d+$/, '');
      out.set(name, (out.get(name) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / ticksPerSecond);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out;
}

export function threadsSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, ms]) => [name, ms - (before.get(name) ?? 0)]));
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What a profiled function belongs to, from its script's URL (or V8's pseudo-functions). */
export function codeArea(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8 and native (program)';
    // Native functions called from JavaScript; V8 names them after the nearest symbol it knows, so
    // their names are unreliable: the Temporal SDK's bridge to its Rust core, socket writes, thread messages.
    return 'native calls (Temporal bridge, sockets, thread messages)';
  }
  if (/node_modules\/@temporalio\/|node_modules\/(protobufjs|@protobufjs|long|@grpc|proto3-json-serializer)\//.test(url)) return 'Temporal SDK';
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types|pg-copy-streams|postgres-[a-z]+|pgpass|pg-connection-string)\//.test(url)) return 'pg driver';
  if (/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact)\//.test(url)) return 'logging (pino)';
  if (/node_modules\//.test(url)) return 'other libraries';
  if (url.startsWith('node:')) return 'Node.js runtime (streams, sockets, timers)';
  if (/\/engine\//.test(url)) return 'engine (step runner, checks, history)';
  if (/\/lib\/db\//.test(url)) return 'COPY writer and db layer';
  if (/\/lib\/demo-events|\/domains\//.test(url)) return 'demo steps (generating events)';
  if (/\/lib\//.test(url)) return 'other lib code';
  return 'other';
}

export interface ProfileSummary {
  /** Self time by code area, ms (idle left out). */
  byArea: Map<string, number>;
  /** Self time of the busiest files, ms. */
  byFile: Map<string, number>;
}

export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byArea = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = nodes.get(profile.samples[i]!)!;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const area = codeArea(frame.url, frame.functionName);
    if (area === 'idle') continue;
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
    const file = frame.url ? frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(engine|lib|domains|bench)\//, '$1/') : frame.functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  return { byArea, byFile };
}

/** Profiles this process's main thread while `fn` runs. */
export async function profiled<T>(fn: () => Promise<T>): Promise<{ result: T; profile: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await fn();
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    return { result, profile: summariseProfile(profile) };
  } finally {
    session.disconnect();
  }
}

/** "a 12.0 ms, b 3.1 ms" from the largest, each divided by `per`. */
export function describeMs(m: Map<string, number>, per: number, limit = 12): string {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([k, ms]) => `${k} ${(ms / per).toFixed(1)} ms`)
    .join(', ');
}
