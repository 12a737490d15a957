// Load: 32 devices post at full speed for a sustained period while a backfill runs on worker
// processes. Memory of the API and the worker stays bounded (no growth from the middle to the end
// of the run), latency is recorded, the backfill makes progress, and the batches the client saw
// acknowledged are in bronze exactly once (bronze may hold a few more: those still in flight when
// the client stopped reading, committed but never answered).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { getPipeline } from '../../domains/index.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { backfillProgressQuery } from '../../engine/workflows/backfill.ts';
import { bronzeBatches, compareDeliveries } from '../support/deliveries.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const long = chaosScale().long;
const SECONDS = long ? 300 : 20;
const DEVICES = 32;
const BATCH = 500;

let stack: TestStack;
let api: RefineryProcess;
let worker: RefineryProcess;
let url: string;
const tokens: string[] = [];

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  for (let d = 0; d < DEVICES; d++) tokens.push((await createApiKey(stack.pools.owner, { name: `load ${d}`, role: 'device', deviceId: `load-${d}` })).token);
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), LOG_LEVEL: 'warn' }));
  worker = startRefinery(['worker', '--queue', 'all'], stackEnv(stack));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  await worker.waitFor(/worker running/);
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await worker?.kill('SIGTERM');
  await stack?.close();
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('sustained ingest while a backfill runs', () => {
  it('keeps memory bounded and loses nothing', async () => {
    const readingsJson = Array.from({ length: DEVICES }, (_, d) =>
      JSON.stringify(
        Array.from({ length: BATCH }, (_, i) => ({
          timestamp: Date.UTC(2026, 9, 1) + i * 20,
          ax: ((i + d) % 17) / 10,
          ay: 0.1,
          az: 9.8,
          gx: 0.01,
          gy: 0.02,
          gz: -0.01,
          mx: 20,
          my: 1,
          mz: -40,
        })),
      ),
    );
    const backfill = await startBackfill(stack.client, stack.config, getPipeline('demo'), {
      range: { from: '2026-01-01', to: long ? '2026-12-31' : '2026-02-15' },
      concurrency: 2,
    });
    const samples: { t: number; api: number; worker: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1000, api: rssMb(api.child.pid!), worker: rssMb(worker.child.pid!) }), 1000);
    let sent = 0;
    // The client's record: the batches the API answered 2xx for, as its answer names them.
    const acknowledged = new Set<string>();
    const result = await autocannon({
      url: `${url}/v1/ingest/readings`,
      connections: DEVICES,
      duration: SECONDS,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const n = sent++;
            const d = n % DEVICES;
            return {
              ...req,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[d]}` },
              body: `{"deviceId":"load-${d}","batchId":"l-${n}","readings":${readingsJson[d]}}`,
            };
          },
          onResponse: (status, body) => {
            if (status >= 200 && status < 300) {
              const ack = JSON.parse(body) as { deviceId: string; batchId: string };
              acknowledged.add(`${ack.deviceId}/${ack.batchId}`);
            }
          },
        },
      ],
    });
    clearInterval(sampler);
    const progress = await backfill.query(backfillProgressQuery);
    await backfill.cancel().catch(() => {});

    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
    expect(acknowledged.size).toBe(result['2xx']);
    const comparison = compareDeliveries(acknowledged, await bronzeBatches(stack.pools.owner, 'l-%'), BATCH);
    expect(comparison.lostBatches).toEqual([]);
    expect(comparison.rowsDuplicated).toBe(0);
    // Bronze holds every acknowledged batch, plus at most one unanswered batch per connection, each
    // one the client did send.
    expect(comparison.unacknowledgedInBronze.length).toBeLessThanOrEqual(DEVICES);
    for (const key of comparison.unacknowledgedInBronze) expect(Number(/^load-\d+\/l-(\d+)$/.exec(key)?.[1])).toBeLessThan(sent);
    const readings = comparison.inBronze * BATCH;

    // Bounded: the peak of the last third is within 25% (+ 30 MB of noise) of the peak of the middle third.
    const third = samples.length / 3;
    const peak = (xs: typeof samples, key: 'api' | 'worker') => Math.max(...xs.map((s) => s[key]));
    const middle = samples.slice(Math.floor(third), Math.floor(2 * third));
    const last = samples.slice(Math.floor(2 * third));
    for (const key of ['api', 'worker'] as const) {
      expect(peak(last, key), `${key} RSS grew: ${JSON.stringify(samples.map((s) => Math.round(s[key])))}`).toBeLessThanOrEqual(peak(middle, key) * 1.25 + 30);
    }
    // The backfill made progress beside the load, without failures, and ops agrees with it.
    const { rows: runs } = await stack.pools.owner.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM ops.pipeline_runs WHERE backfill_id = $1`,
      [backfill.workflowId],
    );
    expect(progress.succeeded).toBeGreaterThan(0);
    expect(progress.failed).toBe(0);
    expect(runs[0].failed).toBe(0);
    expect(runs[0].done).toBeGreaterThanOrEqual(progress.succeeded);
    recordFigure('load', {
      scenario: `Sustained ingest (${DEVICES} devices, ${BATCH}-reading batches) for ${SECONDS} s while a demo backfill runs on a worker process`,
      requestsTried: result.requests.total,
      acknowledged: comparison.acknowledged,
      batchesInBronze: comparison.inBronze,
      committedButUnanswered: comparison.unacknowledgedInBronze.length,
      non2xx: result.non2xx,
      readingsPerSecond: Math.round(readings / SECONDS),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      backfillPartitionsDone: runs[0].done,
      backfillPartitionsFailed: runs[0].failed,
      apiRssMbMiddleThirdPeak: Math.round(peak(middle, 'api')),
      apiRssMbLastThirdPeak: Math.round(peak(last, 'api')),
      workerRssMbMiddleThirdPeak: Math.round(peak(middle, 'worker')),
      workerRssMbLastThirdPeak: Math.round(peak(last, 'worker')),
      rowsLost: comparison.rowsLost,
      rowsDuplicated: comparison.rowsDuplicated,
      command: 'npm run test:chaos -- load',
    });
  }, 900_000);
});
