// A backfill while PostgreSQL crashes and restarts: steps fail and are retried, recording waits for
// the database, and every partition ends with exactly the rows of a clean run elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
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

type Digests = Record<string, Map<string, { n: number; digest: string }>>;

/** Per table and partition: row count and md5 of the sorted rows. */
async function digests(pool: Pool): Promise<Digests> {
  const out: Digests = {};
  for (const table of TABLES) {
    const { rows } = await pool.query(
      `SELECT partition_date::text AS p, count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest
         FROM ${table} t WHERE partition_date BETWEEN $1 AND $2 GROUP BY 1`,
      [FROM, TO],
    );
    out[table] = new Map(rows.map((r) => [r.p as string, { n: r.n as number, digest: r.digest as string }]));
  }
  return out;
}

async function rowCounts(pool: Pool, table: string, partition: string): Promise<Map<string, number>> {
  const { rows } = await pool.query(`SELECT t::text AS row, count(*)::int AS n FROM ${table} t WHERE partition_date = $1 GROUP BY 1`, [partition]);
  return new Map(rows.map((r) => [r.row as string, r.n as number]));
}

/**
 * Rows of the clean run missing after the crash, and rows present more often than in the clean
 * run, counted row by row in every partition whose digest differs (equal digests: equal rows).
 */
async function differences(crashed: Digests, clean: Digests) {
  let rowsLost = 0;
  let rowsDuplicated = 0;
  const differing: string[] = [];
  for (const table of TABLES) {
    const partitions = new Set([...crashed[table]!.keys(), ...clean[table]!.keys()]);
    for (const partition of partitions) {
      if (crashed[table]!.get(partition)?.digest === clean[table]!.get(partition)?.digest) continue;
      differing.push(`${table} ${partition}`);
      const [ours, theirs] = [await rowCounts(own.owner, table, partition), await rowCounts(reference.pools.owner, table, partition)];
      for (const [row, n] of theirs) rowsLost += Math.max(0, n - (ours.get(row) ?? 0));
      for (const [row, n] of ours) rowsDuplicated += Math.max(0, n - (theirs.get(row) ?? 0));
    }
  }
  return { rowsLost, rowsDuplicated, differing };
}

describe('a pipeline backfill through a PostgreSQL crash', () => {
  it('finishes every partition with exactly the rows of a clean run', async () => {
    // The reference: the same backfill on an untouched database.
    await reference.startWorkers();
    const cleanRun = await startBackfill(reference.client, reference.config, getPipeline('demo'), { range: { from: FROM, to: TO }, concurrency: 3 });
    await cleanRun.result();

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
    // Crash while a step is in the middle of landing rows. Steps are fast, so rather than hoping to
    // catch one, hold silver's table lock once a few partitions are done and crash as soon as a
    // worker's clean step waits on it inside its replacing transaction.
    for (;;) {
      const { rows } = await own.owner.query(`SELECT count(*)::int AS done FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'succeeded'`, [
        handle.workflowId,
      ]);
      if (rows[0].done >= 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const locker = new pg.Client({ connectionString: own.ownerUrl });
    locker.on('error', () => {}); // its connection dies with the crash, as intended
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE silver.demo_events_clean IN ACCESS EXCLUSIVE MODE');
    for (;;) {
      const { rows } = await own.owner.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'chaos-worker' AND wait_event_type = 'Lock' AND xact_start IS NOT NULL`,
      );
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const crashedAt = Date.now();
    await own.restartPostgres(2000);
    await locker.end().catch(() => {});
    const result = await handle.result();
    expect(result).toMatchObject({ total: PARTITIONS, succeeded: PARTITIONS, failed: 0 });

    const crashed = await digests(own.owner);
    const clean = await digests(reference.pools.owner);
    for (const table of TABLES) expect(clean[table]!.size, `${table} partitions in the clean run`).toBe(PARTITIONS);
    const diff = await differences(crashed, clean);
    expect(diff.differing).toEqual([]);
    expect(diff.rowsLost).toBe(0);
    expect(diff.rowsDuplicated).toBe(0);
    const { rows: retried } = await own.owner.query(
      `SELECT count(*)::int AS n FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.attempt > 1`,
      [handle.workflowId],
    );
    const { rows: runsRecorded } = await own.owner.query(
      `SELECT count(*)::int AS n, count(DISTINCT partition_key)::int AS partitions FROM ops.pipeline_runs WHERE backfill_id = $1`,
      [handle.workflowId],
    );
    expect(runsRecorded[0]).toEqual({ n: PARTITIONS, partitions: PARTITIONS });
    // The crash was felt: step attempts failed and Temporal retried them.
    expect(retried[0].n).toBeGreaterThan(0);
    const tablesEqual = TABLES.filter((t) => [...clean[t]!].every(([p, d]) => crashed[t]!.get(p)?.digest === d.digest)).length;
    recordFigure('pipeline-db-restart', {
      scenario: 'PostgreSQL crash (immediate shutdown, 2 s down) during a demo backfill',
      partitions: PARTITIONS,
      partitionsSucceeded: result.succeeded,
      stepAttemptsRetried: retried[0].n,
      tablesEqualToCleanRun: `${tablesEqual} of ${TABLES.length}`,
      rowsLost: diff.rowsLost,
      rowsDuplicated: diff.rowsDuplicated,
      secondsFromCrashToDone: Math.round((Date.now() - crashedAt) / 100) / 10,
      command: 'npm run test:chaos -- pipeline-under-fire',
    });
  }, 600_000);
});
