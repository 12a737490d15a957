// Ingest at an offered load, as a fleet sends it: `devices` devices at 50 Hz, each posting a
// 1-second batch (50 readings, 9 axes, timestamps moving on a second per batch) once a second on
// its own connection, as JSON or as the columnar body. Open loop: every post has a time on a
// schedule, is sent then whether or not earlier ones were answered, and its latency runs from that
// time (so a client or server stall counts against the answers it delays, none are left out).
//
// The schedule puts each device at its own phase within the second: seeded uniform phases, as
// independent devices post (`phases: 'independent'`), or every device at the same instant
// (`'synchronized'`, a fleet reconnecting at once). autocannon's rate limit was used before: each of
// its connections sends its share of a second's posts back to back when the second starts, so 1,000
// "devices" arrived as one burst a second, which is the synchronized case, not a fleet.
//
// Also the API process's CPU time over the run, from /proc.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { COLUMNAR_MEDIA_TYPE, encodeColumnarBatch } from '../../lib/imu/columnar-batch.ts';
import { CHANNELS } from '../../lib/imu/reading.ts';
import { seededRandom } from '../../lib/random.ts';
import { percentile } from './percentile.ts';

/** How a batch is sent: JSON, or the columnar body (lib/imu/columnar-batch.ts). */
export type BodyForm = 'json' | 'columnar';

/** When in each second the devices post: each at its own seeded phase, or all at once. */
export type Phases = 'independent' | 'synchronized';

const HZ = 50;
/** Answers later than this after their scheduled time are counted as refused (timeouts). */
const TIMEOUT_MS = 10_000;

/** utime + stime of a process, in seconds (USER_HZ is 100 on Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One device's second of readings, without timestamps. */
function secondOfReadings(device: number): Record<string, number>[] {
  return Array.from({ length: HZ }, (_, i) => {
    const t = (device * 7 + i) / HZ;
    return {
      ax: Math.round(Math.sin(t) * 4e4) / 1e4,
      ay: Math.round(Math.cos(t) * 2e4) / 1e4,
      az: 9.8066,
      gx: Math.round(Math.sin(t * 1.3) * 1e4) / 1e4,
      gy: 0.0123,
      gz: -0.0456,
      mx: 21.5,
      my: -4.25,
      mz: 39.75,
    };
  });
}

/** One device's second of readings as JSON, its timestamps left to fill: `{"timestamp":` + t + rest[i]. */
const readingTails = (device: number): string[] => secondOfReadings(device).map((r) => JSON.stringify(r).slice(1));

/** The same second as the columnar body's columns. */
const readingColumns = (device: number): Float64Array[] => {
  const readings = secondOfReadings(device);
  return CHANNELS.map((c) => Float64Array.from(readings, (r) => r[c]!));
};

export interface OfferedLoadResult {
  batches: number;
  readings: number;
  acknowledged: Set<string>;
  p50: number;
  p99: number;
  max: number;
  /** How late the client sent its posts against the schedule (its own stalls), p99 in ms. */
  sendLagP99: number;
  refused: number;
  /** Answers other than 201, by status (and client errors). */
  statuses: Record<string, number>;
  seconds: number;
  apiCpuSeconds: number;
}

export async function offeredLoad(o: {
  form?: BodyForm;
  phases?: Phases;
  /** Starts every batch id of the run, so runs never repeat each other's ids. */
  label: string;
  url: string;
  tokens: string[];
  deviceIds: string[];
  seconds: number;
  apiPid: number;
  /** The first batch's first timestamp (epoch ms); each later second's batch moves on by 1,000 ms. */
  start: number;
  seed?: number;
}): Promise<OfferedLoadResult> {
  const devices = o.tokens.length;
  const form = o.form ?? 'json';
  const random = seededRandom(o.seed ?? 50);
  const phase = Array.from({ length: devices }, () => (o.phases === 'synchronized' ? 0 : random.next() * 1000));
  const tails = form === 'json' ? o.deviceIds.map((_, d) => readingTails(d)) : [];
  const columns = form === 'columnar' ? o.deviceIds.map((_, d) => readingColumns(d)) : [];
  const target = new URL(o.url);
  // A connection per device, kept open between its posts, as a fleet's would be.
  const agent = new Agent({ keepAlive: true, maxSockets: devices });

  const body = (d: number, second: number): { type: string; bytes: string | Uint8Array } => {
    const t0 = o.start + second * 1000;
    const ids = { deviceId: o.deviceIds[d]!, batchId: `${o.label}${second}`, sessionId: `${o.deviceIds[d]}-s` };
    if (form === 'columnar') {
      return {
        type: COLUMNAR_MEDIA_TYPE,
        bytes: encodeColumnarBatch({ ...ids, timing: { start: t0, interval: 1000 / HZ, count: HZ }, channels: columns[d]! }),
      };
    }
    let readings = '';
    for (let i = 0; i < HZ; i++) readings += `${i ? ',' : ''}{"timestamp":${t0 + i * 20},${tails[d]![i]}`;
    return {
      type: 'application/json',
      bytes: `{"deviceId":"${ids.deviceId}","batchId":"${ids.batchId}","sessionId":"${ids.sessionId}","readings":[${readings}]}`,
    };
  };

  // Every post of the run in time order: device d's post of second s at s × 1000 + phase[d].
  const schedule: { at: number; device: number; second: number }[] = [];
  for (let s = 0; s < o.seconds; s++) for (let d = 0; d < devices; d++) schedule.push({ at: s * 1000 + phase[d]!, device: d, second: s });
  schedule.sort((a, b) => a.at - b.at);

  const acknowledged = new Set<string>();
  const latencies: number[] = [];
  const lags: number[] = [];
  const statuses: Record<string, number> = {};
  let refused = 0;
  let answered = 0;
  const cpu0 = cpuSeconds(o.apiPid);
  const began = performance.now();

  const post = (due: number, device: number, second: number) => {
    lags.push(performance.now() - due);
    const { type, bytes } = body(device, second);
    let settled = false;
    const refuse = (why: string) => {
      if (settled) return;
      settled = true;
      refused++;
      statuses[why] = (statuses[why] ?? 0) + 1;
      answered++;
    };
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': type, 'content-length': Buffer.byteLength(bytes), authorization: `Bearer ${o.tokens[device]}` },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 201) return refuse(String(res.statusCode));
          if (settled) return;
          settled = true;
          latencies.push(performance.now() - due);
          const ack = JSON.parse(Buffer.concat(chunks).toString()) as { deviceId: string; batchId: string };
          acknowledged.add(`${ack.deviceId}/${ack.batchId}`);
          answered++;
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => refuse(e.message === 'timeout' ? 'timeouts' : 'errors'));
    req.end(bytes);
  };

  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now() - began;
      while (next < schedule.length && schedule[next]!.at <= now) {
        const p = schedule[next++]!;
        post(began + p.at, p.device, p.second);
      }
      if (next < schedule.length) setTimeout(tick, Math.max(0, schedule[next]!.at - (performance.now() - began)));
      else resolve();
    };
    tick();
  });
  while (answered < schedule.length) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return {
    batches: acknowledged.size,
    readings: acknowledged.size * HZ,
    acknowledged,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    sendLagP99: percentile(lags, 99),
    refused,
    statuses,
    seconds,
    apiCpuSeconds: cpuSeconds(o.apiPid) - cpu0,
  };
}
