// Ingest at an offered load, as a fleet sends it: `devices` devices at 50 Hz, each posting a
// 1-second batch (50 readings, 9 axes, timestamps moving on a second per batch) once a second, the
// posts spread evenly over the second (autocannon's overall rate, many connections, each request
// the next device in turn), as JSON or as the columnar body. Also the API process's CPU time over
// the run, from /proc.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { COLUMNAR_MEDIA_TYPE, encodeColumnarBatch } from '../../lib/imu/columnar-batch.ts';
import { CHANNELS } from '../../lib/imu/reading.ts';

/** How a batch is sent: JSON, or the columnar body (lib/imu/columnar-batch.ts). */
export type BodyForm = 'json' | 'columnar';

const HZ = 50;

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
  refused: number;
  /** Answers other than 201, by status. */
  statuses: Record<string, number>;
  seconds: number;
  apiCpuSeconds: number;
}

export async function offeredLoad(o: {
  form?: BodyForm;
  /** Starts every batch id of the run, so runs never repeat each other's ids. */
  label: string;
  url: string;
  tokens: string[];
  deviceIds: string[];
  seconds: number;
  apiPid: number;
  start: number;
}): Promise<OfferedLoadResult> {
  const devices = o.tokens.length;
  const form = o.form ?? 'json';
  const tails = form === 'json' ? o.deviceIds.map((_, d) => readingTails(d)) : [];
  const columns = form === 'columnar' ? o.deviceIds.map((_, d) => readingColumns(d)) : [];
  const acknowledged = new Set<string>();
  let sent = 0;
  let refused = 0;
  const statuses: Record<string, number> = {};
  const cpu0 = cpuSeconds(o.apiPid);
  const began = performance.now();
  const result = await autocannon({
    url: o.url,
    connections: Math.min(250, devices),
    overallRate: devices,
    duration: o.seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const n = sent++;
          const d = n % devices;
          const second = Math.floor(n / devices);
          const t0 = o.start + second * 1000;
          const ids = { deviceId: o.deviceIds[d]!, batchId: `${o.label}${second}`, sessionId: `${o.deviceIds[d]}-s` };
          if (form === 'columnar') {
            const body = encodeColumnarBatch({ ...ids, timing: { start: t0, interval: 1000 / HZ, count: HZ }, channels: columns[d]! });
            return { ...req, headers: { 'content-type': COLUMNAR_MEDIA_TYPE, authorization: `Bearer ${o.tokens[d]}` }, body };
          }
          let readings = '';
          for (let i = 0; i < HZ; i++) readings += `${i ? ',' : ''}{"timestamp":${t0 + i * 20},${tails[d]![i]}`;
          const body = `{"deviceId":"${ids.deviceId}","batchId":"${ids.batchId}","sessionId":"${ids.sessionId}","readings":[${readings}]}`;
          return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${o.tokens[d]}` }, body };
        },
        onResponse: (status, body) => {
          if (status !== 201) {
            refused++;
            statuses[status] = (statuses[status] ?? 0) + 1;
            return;
          }
          const ack = JSON.parse(body) as { deviceId: string; batchId: string };
          acknowledged.add(`${ack.deviceId}/${ack.batchId}`);
        },
      },
    ],
  });
  const seconds = (performance.now() - began) / 1000;
  return {
    batches: acknowledged.size,
    readings: acknowledged.size * HZ,
    acknowledged,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    refused: refused + result.errors + result.timeouts,
    statuses: { ...statuses, ...(result.errors ? { errors: result.errors } : {}), ...(result.timeouts ? { timeouts: result.timeouts } : {}) },
    seconds,
    apiCpuSeconds: cpuSeconds(o.apiPid) - cpu0,
  };
}
