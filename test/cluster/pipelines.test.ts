// The real pipelines on Temporal's production server (PostgreSQL persistence, mTLS) with two io
// and two compute worker processes: the demo, sensor and tournament pipelines run end to end; a
// demo backfill survives kill -9 of one io and one compute worker while they hold activities, with
// exactly one run per partition and the rows of a clean run; the workers' metrics move meanwhile.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { simulateFleet } from '../../cli/simulator/fleet.ts';
import { freePort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { demoPipeline } from '../../domains/demo/pipeline.ts';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';
import { connectClient } from '../../engine/temporal/client.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import type { BackfillProgress } from '../../engine/workflows/backfill.ts';
import { clusterEnv } from '../support/cluster-env.ts';
import { startRefinery, type RefineryProcess } from '../support/processes.ts';

const cluster = inject('cluster');
let owner: Pool;
let client: Client;
let config: Config;
const processes: RefineryProcess[] = [];
const workers: { kind: 'io' | 'compute'; process: RefineryProcess; metrics: string }[] = [];
let apiUrl: string;

async function refinery(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const p = startRefinery(args, clusterEnv(extra));
  const code = await p.exited;
  return { code, output: p.output() };
}

async function startWorker(kind: 'io' | 'compute') {
  const process = startRefinery(['worker', '--queue', kind], clusterEnv({ WORKER_METRICS_PORT: '0' }));
  processes.push(process);
  await process.waitFor(/"msg":"worker running"/);
  const metrics = /"metrics":"([^"]+)"/.exec(process.output())![1]!;
  workers.push({ kind, process, metrics });
}

/** Sum of a Prometheus counter over the label sets that contain every given label. */
async function counter(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(url)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

beforeAll(async () => {
  owner = createPool(cluster.ownerUrl, { applicationName: 'cluster-test', max: 4 });
  const setup = await refinery(['temporal', 'setup']);
  expect(setup.code, setup.output).toBe(0);
  await Promise.all([startWorker('io'), startWorker('io'), startWorker('compute'), startWorker('compute')]);
  const port = await freePort();
  const api = startRefinery(['api'], clusterEnv({ API_PORT: String(port) }));
  processes.push(api);
  apiUrl = `http://127.0.0.1:${port}`;
  await api.waitFor(/API listening/);
  config = loadConfig(clusterEnv({ TEMPORAL_TLS_SERVER_NAME: 'localhost' }), { useRunningStack: false });
  client = await connectClient(config);
}, 300_000);

afterAll(async () => {
  for (const p of processes) await p.kill('SIGTERM');
  await client?.connection.close();
  await owner?.end();
});

// The demo pipeline as defined, with a short heartbeat timeout so a killed worker's activity is
// retried within seconds (the compute default is two minutes, for steps that hold the CPU).
const demo: PipelineDefinition = { ...demoPipeline, steps: demoPipeline.steps.map((s) => ({ ...s, heartbeatTimeout: '8 seconds' })) };

const q = async (sql: string, params: unknown[] = []) => (await owner.query(sql, params)).rows;

describe('Refinery on a Temporal cluster with mTLS', () => {
  it('the API is ready: PostgreSQL and the cluster answer over mTLS', async () => {
    const res = await fetch(`${apiUrl}/readyz`);
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('runs the demo, tournament and sensor pipelines end to end', async () => {
    const demo = await refinery(['run', 'demo', '--partition', '2026-03-01']);
    expect(demo.code, demo.output).toBe(0);
    expect(await q(`SELECT events FROM gold.demo_daily_summary WHERE partition_date = '2026-03-01'`)).toEqual([{ events: expect.any(Number) }]);

    const sample = await refinery(['tournament', 'sample']);
    const key = /--partition (\S+)/.exec(sample.output)![1]!;
    const tournament = await refinery(['run', 'tournament', '--partition', key, '--param', 'simulations=2000']);
    expect(tournament.code, tournament.output).toBe(0);
    expect(await q(`SELECT count(*)::int AS n FROM gold.tournament_teams WHERE tournament_key = $1`, [key])).toEqual([{ n: 64 }]);

    const day = '2026-03-02';
    const devices = [];
    // Five wearers with every exercise: enough for a model that passes the promotion gate on a held-out person.
    for (const deviceId of ['wrist-a', 'wrist-b', 'wrist-c', 'wrist-d', 'wrist-e']) {
      devices.push({ deviceId, token: (await createApiKey(owner, { name: deviceId, role: 'device', deviceId })).token });
    }
    await simulateFleet({ apiUrl, devices, day, sessionsPerDevice: 9, sessionSeconds: 30, unlabelledShare: 0, seed: 7 });
    const sensor = await refinery(['run', 'sensor', '--partition', day, '--param', 'nEstimators=30']);
    expect(sensor.code, sensor.output).toBe(0);
    const [windows] = await q(
      `SELECT (SELECT count(*) FROM silver.imu_windows WHERE partition_date = $1)::int AS windows,
              (SELECT count(*) FROM gold.window_predictions WHERE partition_date = $1)::int AS predicted`,
      [day],
    );
    expect(windows.windows).toBeGreaterThan(0);
    expect(windows.predicted).toBe(windows.windows);
  });

  it('a backfill survives kill -9 of an io and a compute worker: one run per partition, the rows of a clean run', async () => {
    const [from, to, partitions] = ['2026-04-01', '2026-04-16', 16];
    const request = { range: { from, to }, concurrency: 4, params: { count: 20_000 } };
    const handle = await startBackfill(client, config, demo, request);
    const backfillId = handle.workflowId;

    const survivorCompute = workers.filter((w) => w.kind === 'compute')[1]!;
    const before = await counter(survivorCompute.metrics, 'refinery_steps_started_total', { pipeline: 'demo' });

    // Kill a worker of each kind at a moment it holds an activity of this backfill (Temporal names
    // the worker that took each pending activity: "<pid>@<host>").
    const victims = new Map(['io', 'compute'].map((kind) => [kind, workers.find((w) => w.kind === kind)!]));
    const deadline = Date.now() + 120_000;
    while (victims.size && Date.now() < deadline) {
      const running = await q(
        `SELECT workflow_id FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'running'
          AND (SELECT count(*) FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'succeeded') >= 2`,
        [backfillId],
      );
      for (const { workflow_id } of running) {
        const described = await client.workflow
          .getHandle(workflow_id as string)
          .describe()
          .catch(() => undefined);
        for (const activity of described?.raw.pendingActivities ?? []) {
          for (const [kind, victim] of victims) {
            if (activity.lastWorkerIdentity?.startsWith(`${victim.process.child.pid}@`)) {
              await victim.process.kill('SIGKILL');
              victims.delete(kind);
            }
          }
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    expect([...victims.keys()], 'workers never caught holding an activity').toEqual([]);

    const result = (await handle.result()) as BackfillProgress;
    expect(result).toMatchObject({ total: partitions, succeeded: partitions, failed: 0 });
    // The surviving workers' step counters moved while they took over the work.
    expect(await counter(survivorCompute.metrics, 'refinery_steps_started_total', { pipeline: 'demo', step: 'clean' })).toBeGreaterThan(before);
    const survivorIo = workers.filter((w) => w.kind === 'io')[1]!;
    expect(await counter(survivorIo.metrics, 'refinery_rows_written_total', { pipeline: 'demo', step: 'land' })).toBeGreaterThan(0);
    // Everything a worker printed, the Temporal SDK's own logs included, is one JSON line each.
    for (const w of [survivorIo, survivorCompute]) {
      const notJson = w.process
        .output()
        .split('\n')
        .filter(Boolean)
        .filter((line) => {
          try {
            JSON.parse(line);
            return false;
          } catch {
            return true;
          }
        });
      expect(notJson).toEqual([]);
    }

    const runs = await q(
      `SELECT partition_key, count(*)::int AS runs, bool_and(status = 'succeeded') AS ok FROM ops.pipeline_runs WHERE backfill_id = $1 GROUP BY 1`,
      [backfillId],
    );
    expect(runs).toHaveLength(partitions);
    expect(runs.filter((r) => r.runs !== 1 || !r.ok)).toEqual([]);
    const abandoned = await q(
      `SELECT count(*)::int AS n FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.attempt > 1`,
      [backfillId],
    );
    expect(abandoned[0].n).toBeGreaterThan(0);
    const stale = await q(
      `SELECT count(*)::int AS n FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.status = 'running'`,
      [backfillId],
    );
    expect(stale[0].n).toBe(0);

    // Every table of every partition, digested; then the same range again with no one killed.
    const digest = () =>
      q(
        `SELECT d::date::text AS day,
                (SELECT count(*) FROM bronze.demo_events WHERE partition_date = d)::int AS bronze,
                (SELECT count(DISTINCT event_id) FROM bronze.demo_events WHERE partition_date = d)::int AS bronze_ids,
                (SELECT md5(string_agg(t::text, '|' ORDER BY t.event_id)) FROM silver.demo_events_clean t WHERE partition_date = d) AS silver,
                (SELECT md5(string_agg(t::text, '|' ORDER BY t.source)) FROM gold.demo_source_daily t WHERE partition_date = d) AS by_source,
                (SELECT md5(string_agg(t::text, '|' ORDER BY t.hour)) FROM gold.demo_hourly t WHERE partition_date = d) AS by_hour,
                (SELECT md5(t::text) FROM gold.demo_daily_summary t WHERE partition_date = d) AS summary
           FROM generate_series($1::date, $2::date, interval '1 day') d ORDER BY d`,
        [from, to],
      );
    const afterKills = await digest();
    expect(afterKills.every((d) => d.bronze === 20000 && d.bronze_ids === 20000 && d.silver && d.summary)).toBe(true);
    const clean = (await (await startBackfill(client, config, demo, request)).result()) as BackfillProgress;
    expect(clean).toMatchObject({ total: partitions, succeeded: partitions });
    expect(await digest()).toEqual(afterKills);
  });
});
