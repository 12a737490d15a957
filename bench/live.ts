// Benchmark: live classification through the real API (`refinery api` processes, PostgreSQL, a
// 100-tree production model). Three parts, one run:
//  1. Cost on ingest: 50 devices post 1-second batches (50 readings at 50 Hz) as fast as they are
//     acknowledged, to an API with the live path off and then to one with it on; readings committed
//     per second, the ratio being the live path's cost.
//  2. Latency: 50 devices post a batch every second in real time, each followed by its own SSE
//     client; for every prediction, the time from the acknowledgement that announced it to its
//     arrival on the stream (negative: the stream was first). Every prediction must arrive once, in order.
//  3. Memory: 1,000 devices (switched on over 20 s) holding SSE streams and posting a batch every
//     second for 5 minutes, retrying a refused or timed-out post as firmware does; the API's
//     resident memory at the start, the middle and the end.
// Usage: npx tsx bench/live.ts [throughputSeconds=20] [latencySeconds=60] [memoryDevices=1000] [memoryMinutes=5]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createApiKey } from '../lib/db/api-keys.ts';
import type { Pool } from '../lib/db/pool.ts';
import { EXERCISES } from '../lib/imu/index.ts';
import { modelStack } from './support/model-stack.ts';
import { minuteOfBatches, runDevice, type BenchDevice, type DeviceRun } from './support/live-devices.ts';
import { percentile } from './support/percentile.ts';
import { writeBenchResult } from './report.ts';

const [THROUGHPUT_S, LATENCY_S, MEMORY_DEVICES, MEMORY_MIN] = [20, 60, 1000, 5].map((d, i) => Number(process.argv[2 + i] ?? d));
const DEVICES = 50;

async function devices(owner: Pool, prefix: string, n: number): Promise<BenchDevice[]> {
  const out: BenchDevice[] = [];
  for (let i = 0; i < n; i++) {
    const deviceId = `${prefix}-${i}`;
    out.push({ deviceId, token: (await createApiKey(owner, { name: deviceId, role: 'device', deviceId })).token });
  }
  return out;
}

/** Resident memory of a running process; null once it has stopped (no VmRSS). */
const rssMiB = (pid: number) => {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kB = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kB === undefined ? null : Number(kB) / 1024;
};

async function fleet(apiUrl: string, list: BenchDevice[], seconds: number, o: { realTime: boolean; follow: boolean; start: number; rampS?: number }) {
  const minutes = list.map((d, i) => minuteOfBatches(d.deviceId, EXERCISES[i % EXERCISES.length], i + 1));
  const until = performance.now() + seconds * 1000;
  // Real devices are not in step: each starts somewhere in the first second (or, for a large fleet,
  // the first rampS seconds: a thousand wearers do not switch on in the same second).
  const rampMs = (o.rampS ?? 1) * 1000;
  return Promise.all(
    list.map(async (device, i) => {
      if (o.realTime) await new Promise((r) => setTimeout(r, (i * 997) % rampMs));
      return runDevice({ apiUrl, device, batches: minutes[i], start: o.start, until, realTime: o.realTime, follow: o.follow });
    }),
  );
}

/** Every prediction stored for these devices arrived on their streams exactly once, in order; returns the latencies. */
async function delivered(owner: Pool, runs: (DeviceRun & { stop(): void })[], list: BenchDevice[]): Promise<number[]> {
  await new Promise((r) => setTimeout(r, 2_000));
  const latencies: number[] = [];
  for (const [i, run] of runs.entries()) {
    run.stop();
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM registry.live_predictions WHERE device_id = $1', [list[i].deviceId]);
    const expected = Array.from({ length: rows[0].n }, (_, k) => k + 1);
    if (run.order.join() !== expected.join())
      throw new Error(`${list[i].deviceId}: the stream delivered ${run.order.length} of ${rows[0].n} predictions (or out of order)`);
    for (const [id, at] of run.arrivedAt) if (run.ackedAt.has(id)) latencies.push(at - run.ackedAt.get(id)!);
  }
  return latencies;
}

async function main() {
  const loadAtStart = loadavg()[0]!;
  const stack = await modelStack('live');
  const { owner, modelVersionId } = stack;
  const apis: { gone(): string | null }[] = [];
  try {
    const off = await stack.startApi({ REFINERY_LIVE: 'off' });
    const on = await stack.startApi({ REFINERY_LIVE: 'on' });
    apis.push(off, on);
    const past = Date.now() - 6 * 3_600_000;

    console.log(`1. ${DEVICES} devices posting 1-s batches as fast as acknowledged, ${THROUGHPUT_S} s each, live path off then on…`);
    const throughput: Record<string, number> = {};
    for (const [name, api] of [
      ['off', off],
      ['on', on],
    ] as const) {
      const list = await devices(owner, `thr-${name}`, DEVICES);
      const runs = await fleet(api.url, list, THROUGHPUT_S, { realTime: false, follow: false, start: past });
      runs.forEach((r) => r.stop());
      const acked = runs.reduce((n, r) => n + r.readings, 0);
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM bronze.imu_readings WHERE device_id LIKE $1`, [`thr-${name}-%`]);
      if (rows[0].n !== acked) throw new Error(`live ${name}: acknowledged ${acked} readings, bronze holds ${rows[0].n}`);
      throughput[name] = acked / THROUGHPUT_S;
    }
    const { rows: classified } = await owner.query(`SELECT count(*)::int AS n FROM registry.live_predictions WHERE device_id LIKE 'thr-on-%'`);
    const { rows: offClassified } = await owner.query(`SELECT count(*)::int AS n FROM registry.live_predictions WHERE device_id LIKE 'thr-off-%'`);
    if (classified[0].n === 0 || offClassified[0].n !== 0) throw new Error('the live path was not on and off as asked');

    console.log(`2. ${DEVICES} devices in real time for ${LATENCY_S} s, each followed over SSE…`);
    const latencyDevices = await devices(owner, 'lat', DEVICES);
    const latencyRuns = await fleet(on.url, latencyDevices, LATENCY_S, { realTime: true, follow: true, start: Math.ceil(Date.now() / 1000) * 1000 });
    const latencies = await delivered(owner, latencyRuns, latencyDevices);
    const ackMs = latencyRuns.flatMap((r) => r.ackMs);

    console.log(`3. ${MEMORY_DEVICES} devices holding SSE streams and posting every second for ${MEMORY_MIN} min…`);
    const memoryDevices = await devices(owner, 'mem', MEMORY_DEVICES);
    const samples: { at: number; mib: number }[] = [];
    const began = performance.now();
    const sampler = setInterval(() => {
      const mib = rssMiB(on.pid);
      if (mib === null) {
        clearInterval(sampler);
        console.error(on.gone() ?? `the API (pid ${on.pid}) is gone`);
        return;
      }
      samples.push({ at: (performance.now() - began) / 1000, mib });
      if (samples.length % 6 === 0) console.log(`   ${Math.round(samples.at(-1)!.at)} s: ${Math.round(mib)} MiB`);
    }, 5_000);
    const memoryRuns = await fleet(on.url, memoryDevices, MEMORY_MIN * 60, {
      realTime: true,
      follow: true,
      start: Math.ceil(Date.now() / 1000) * 1000,
      rampS: Math.min(30, Math.ceil(MEMORY_DEVICES / 50)),
    });
    clearInterval(sampler);
    if (on.gone()) throw new Error(on.gone()!);
    const memoryLatencies = await delivered(owner, memoryRuns, memoryDevices);
    const memoryAck = memoryRuns.flatMap((r) => r.ackMs);
    const postedPerSecond = memoryRuns.reduce((n, r) => n + r.acked, 0) / (MEMORY_MIN * 60);
    const at = (fraction: number) =>
      samples.reduce((best, s) => (Math.abs(s.at - fraction * MEMORY_MIN * 60) < Math.abs(best.at - fraction * MEMORY_MIN * 60) ? s : best));
    const [first, middle, end] = [at(0.1), at(0.5), at(1)];

    const p99 = percentile(latencies, 99);
    writeBenchResult({
      id: 'live',
      title: 'Live classification: acknowledgement to SSE, ingest cost, memory',
      reproduce: 'npx tsx bench/live.ts [throughputSeconds] [latencySeconds] [memoryDevices] [memoryMinutes]',
      workload: `\`refinery api\` processes on PostgreSQL ${stack.version}, production model a 100-tree forest (model version ${modelVersionId}); simulated wearers' 1-second batches of 50 readings (9 axes, 50 Hz). Cost: ${DEVICES} devices posting as fast as acknowledged for ${THROUGHPUT_S} s to an API with REFINERY_LIVE=off, then to one with it on. Latency: ${DEVICES} devices posting a batch a second for ${LATENCY_S} s, each followed over SSE (eventsource client). Memory: ${MEMORY_DEVICES} devices holding SSE streams and posting a batch a second for ${MEMORY_MIN} min; resident memory of the API process from /proc`,
      figures: [
        { name: 'acknowledgement → SSE arrival p99', value: p99, unit: 'ms', goal: '<100 ms', met: p99 < 100 },
        { name: 'acknowledgement → SSE arrival p50', value: percentile(latencies, 50), unit: 'ms' },
        { name: 'predictions timed (all delivered once, in order)', value: latencies.length, unit: 'predictions' },
        { name: 'acknowledgement latency p99 (live on, real time)', value: percentile(ackMs, 99), unit: 'ms' },
        { name: 'ingest with the live path on', value: throughput.on, unit: 'readings/s', ratio: throughput.on / throughput.off },
        { name: 'ingest with the live path off (anchor)', value: throughput.off, unit: 'readings/s', ratio: 1 },
        { name: `API resident memory, ${MEMORY_DEVICES} streams, at ${Math.round(first.at)} s`, value: first.mib, unit: 'MiB' },
        { name: `API resident memory at ${Math.round(middle.at)} s (middle)`, value: middle.mib, unit: 'MiB' },
        { name: `API resident memory at ${Math.round(end.at)} s (end)`, value: end.mib, unit: 'MiB', ratio: end.mib / middle.mib },
        { name: `batches acknowledged per second, ${MEMORY_DEVICES} devices`, value: postedPerSecond, unit: 'batches/s' },
        { name: `acknowledgement → SSE arrival p99, ${MEMORY_DEVICES} devices`, value: percentile(memoryLatencies, 99), unit: 'ms' },
        { name: `acknowledgement latency p99, ${MEMORY_DEVICES} devices`, value: percentile(memoryAck, 99), unit: 'ms' },
        { name: `posts retried (refused, timed out or 503), ${MEMORY_DEVICES} devices`, value: memoryRuns.reduce((n, r) => n + r.retries, 0), unit: 'posts' },
      ],
      notes: [
        'A window (200 readings, 50% overlap) completes every second batch of a device; the ingest transaction that stores that batch also classifies the window, logs it with COPY and NOTIFYs, and the acknowledgement carries it. Latency is measured from that acknowledgement to the same prediction’s arrival on the device’s SSE stream; a negative value means the stream was first (NOTIFY is delivered at commit, before the acknowledgement is written).',
        `Resident memory samples (asked for every 5 s; a busy bench process takes them late), seconds into the run: MiB: ${samples.map((s) => `${Math.round(s.at)}: ${Math.round(s.mib)}`).join(', ')}.`,
        `Client (devices and SSE clients), API and PostgreSQL share the machine’s cores (load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end).`,
      ],
    });
  } catch (e) {
    for (const api of apis) if (api.gone()) console.error(api.gone());
    throw e;
  } finally {
    await stack.stop();
  }
}

await main();
