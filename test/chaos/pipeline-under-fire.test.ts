// A backfill while PostgreSQL crashes and restarts: steps fail and are retried, recording waits for
// the database, and every partition ends with exactly the rows of a clean run elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig } from '../../lib/config.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { definitions, getPipeline } from '../../domains/index.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { createWorker, installRuntime } from '../../engine/temporal/worker.ts';
import { ownStack, type OwnStack } from '../support/own-stack.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const PARTITIONS = chaosScale().long ? 60 : 12;
const FROM = '2026-06-01';
const TO = new Date(Date.parse(`${FROM}T00:00:00Z`) + (PARTITIONS - 1) * 86_400_000).toISOString().slice(0, 10);
const TABLES = ['bronze.demo_events', 'silver.demo_events_clean', 'gold.demo_source_daily', 'gold.demo_hourly', 'gold.demo_daily_summary'];

let own: OwnStack;
let reference: TestStack;
let workerPool: Pool;
let workers: Worker[] = [];
let runs: Promise<void>[] = [];
let native: NativeConnection;

beforeAll(async () => {
  own = await ownStack('chaos-pipeline');
  reference = await createTestStack(import.meta.url);
});
afterAll(async () => {
  for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  await Promise.allSettled(runs);
  await native?.close();
  await workerPool?.end();
  await own?.close();
  await reference?.close();
});

async function digests(pool: Pool): Promise<Record<string, { n: number; digest: string }>> {
  const out: Record<string, { n: number; digest: string }> = {};
  for (const table of TABLES) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${table} t WHERE partition_date BETWEEN $1 AND $2`,
      [FROM, TO],
    );
    out[table] = rows[0];
  }
  return out;
}

describe('a pipeline backfill through a PostgreSQL crash', () => {
  it('finishes every partition with exactly the rows of a clean run', async () => {
    // The reference: the same backfill on an untouched database.
    await reference.startWorkers();
    const clean = await startBackfill(reference.client, reference.config, getPipeline('demo'), { range: { from: FROM, to: TO }, concurrency: 3 });
    await clean.result();

    // Workers of our own, writing to the database we are about to crash.
    const queues = { io: 'chaos-pipeline-io', compute: 'chaos-pipeline-compute' };
    const config = loadConfig(
      {
        WORKER_DATABASE_URL: own.roles.worker,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        REFINERY_TASK_QUEUE_IO: queues.io,
        REFINERY_TASK_QUEUE_COMPUTE: queues.compute,
      },
      { useRunningStack: false },
    );
    installRuntime('error');
    native = await NativeConnection.connect({ address: config.temporal.address! });
    workerPool = createPool(own.roles.worker, { applicationName: 'chaos-worker', max: 10 });
    workers = await Promise.all(
      (['io', 'compute'] as const).map((queue) =>
        createWorker({
          config,
          queue,
          connection: native,
          pools: { worker: workerPool },
          storage: reference.storage,
          log: createLogger('silent', 'chaos'),
          definitions,
          workflowBundle: { codePath: inject('workflowBundlePath') },
        }),
      ),
    );
    runs = workers.map((w) => w.run());

    const handle = await startBackfill(reference.client, config, getPipeline('demo'), { range: { from: FROM, to: TO }, concurrency: 3 });
    for (;;) {
      const { rows } = await own.owner.query(`SELECT count(*)::int AS n FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'succeeded'`, [
        handle.workflowId,
      ]);
      if (rows[0].n >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const crashedAt = Date.now();
    await own.restartPostgres(2000);
    const result = await handle.result();
    expect(result).toMatchObject({ total: PARTITIONS, succeeded: PARTITIONS, failed: 0 });

    expect(await digests(own.owner)).toEqual(await digests(reference.pools.owner));
    const { rows: retried } = await own.owner.query(
      `SELECT count(*)::int AS n FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.attempt > 1`,
      [handle.workflowId],
    );
    const { rows: runsRecorded } = await own.owner.query(
      `SELECT count(*)::int AS n, count(DISTINCT partition_key)::int AS partitions FROM ops.pipeline_runs WHERE backfill_id = $1`,
      [handle.workflowId],
    );
    expect(runsRecorded[0]).toEqual({ n: PARTITIONS, partitions: PARTITIONS });
    recordFigure('pipeline-db-restart', {
      scenario: 'PostgreSQL crash (immediate shutdown, 2 s down) during a demo backfill',
      partitions: PARTITIONS,
      partitionsSucceeded: result.succeeded,
      stepAttemptsRetried: retried[0].n,
      tablesEqualToCleanRun: `${TABLES.length} of ${TABLES.length}`,
      rowsLost: 0,
      rowsDuplicated: 0,
      secondsFromCrashToDone: Math.round((Date.now() - crashedAt) / 100) / 10,
      command: 'npm run test:chaos -- pipeline-under-fire',
    });
  }, 600_000);
});
