// Per-file integration fixture: a database cloned from the migrated template, pools for each role,
// a Temporal client, and workers on task queues of this file's own, so test files never collide.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../lib/config.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { FilesystemStorage, type ObjectStorage } from '../../lib/storage/index.ts';
import { definitions } from '../../domains/index.ts';
import type { Definitions } from '../../engine/definitions.ts';
import { createWorker, installRuntime, type QueueKind } from '../../engine/temporal/worker.ts';

export interface TestStack {
  database: string;
  config: Config;
  urls: { owner: string; worker: string; ingest: string; api: string; registrar: string; analyst: string };
  pools: { owner: Pool; worker: Pool; ingest: Pool; api: Pool; registrar: Pool };
  client: Client;
  /** Object storage of this file: a filesystem store in a temp dir unless the test gave one (S3). */
  storage: ObjectStorage;
  /** Signs the filesystem store's download links. */
  signingSecret: string;
  /** The filesystem store's root (refinery processes of this file get it as STORAGE_DIR). */
  storageDir: string;
  taskQueues: { io: string; compute: string };
  /** Starts workers on this file's queues (with other definitions, if given); stop them with the returned function (or close()). */
  startWorkers(queues?: QueueKind[], options?: { definitions?: Definitions; landingDir?: string }): Promise<RunningWorkers>;
  close(): Promise<void>;
}

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

function onDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestStack(testFileUrl: string, options: { storage?: ObjectStorage } = {}): Promise<TestStack> {
  const stem = basename(fileURLToPath(testFileUrl))
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase();
  const database = `t_${stem.slice(0, 40)}_${randomBytes(3).toString('hex')}`;
  const templateUrl = inject('templateUrl');
  const roleUrls = inject('roleUrls');
  const admin = new pg.Client({ connectionString: onDatabase(templateUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} TEMPLATE refinery_template`);
  } finally {
    await admin.end();
  }
  // A clone does not inherit its template's database-level grants (temporary tables): apply them.
  const clone = new pg.Client({ connectionString: onDatabase(templateUrl, database) });
  await clone.connect();
  try {
    await clone.query('SELECT ops.apply_database_grants()');
  } finally {
    await clone.end();
  }
  const urls = {
    owner: onDatabase(templateUrl, database),
    worker: onDatabase(roleUrls.worker, database),
    ingest: onDatabase(roleUrls.ingest, database),
    api: onDatabase(roleUrls.api, database),
    registrar: onDatabase(roleUrls.registrar, database),
    analyst: onDatabase(roleUrls.analyst, database),
  };
  const taskQueues = { io: `${database}-io`, compute: `${database}-compute` };
  const config = loadConfig(
    {
      DATABASE_URL: urls.owner,
      WORKER_DATABASE_URL: urls.worker,
      INGEST_DATABASE_URL: urls.ingest,
      API_DATABASE_URL: urls.api,
      REGISTRAR_DATABASE_URL: urls.registrar,
      ANALYST_DATABASE_URL: urls.analyst,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      REFINERY_TASK_QUEUE_IO: taskQueues.io,
      REFINERY_TASK_QUEUE_COMPUTE: taskQueues.compute,
      LOG_LEVEL: 'warn',
    },
    { useRunningStack: false },
  );
  const pools = {
    owner: createPool(urls.owner, { applicationName: 'test-owner', max: 5 }),
    worker: createPool(urls.worker, { applicationName: 'test-worker', max: 10 }),
    ingest: createPool(urls.ingest, { applicationName: 'test-ingest', max: 5 }),
    api: createPool(urls.api, { applicationName: 'test-api', max: 5 }),
    registrar: createPool(urls.registrar, { applicationName: 'test-registrar', max: 5 }),
  };
  const connection = await Connection.connect({ address: config.temporal.address! });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const running: RunningWorkers[] = [];
  const storageRoot = mkdtempSync(join(tmpdir(), `${database}-objects-`));
  const signingSecret = randomBytes(32).toString('hex');
  const storage = options.storage ?? new FilesystemStorage({ root: storageRoot, signingSecret });
  const log = createLogger('warn', 'test');

  return {
    database,
    config,
    urls,
    pools,
    client,
    storage,
    signingSecret,
    storageDir: storageRoot,
    taskQueues,
    async startWorkers(queues: QueueKind[] = ['io', 'compute'], options: { definitions?: Definitions; landingDir?: string } = {}) {
      installRuntime('error');
      const native = await NativeConnection.connect({ address: config.temporal.address! });
      const workers = await Promise.all(
        queues.map((queue) =>
          createWorker({
            config: options.landingDir ? { ...config, landingDir: options.landingDir } : config,
            queue,
            connection: native,
            pools: { worker: pools.worker },
            storage,
            log,
            definitions: options.definitions ?? definitions,
            workflowBundle: { codePath: inject('workflowBundlePath') },
          }),
        ),
      );
      const runs = workers.map((w) => w.run());
      let stopped: Promise<void> | undefined;
      const handle: RunningWorkers = {
        workers,
        stop() {
          stopped ??= (async () => {
            for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
            await Promise.allSettled(runs);
            await native.close();
          })();
          return stopped;
        },
      };
      running.push(handle);
      return handle;
    },
    async close() {
      for (const r of running) await r.stop();
      await connection.close();
      await Promise.all(Object.values(pools).map((p) => p.end()));
      rmSync(storageRoot, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: onDatabase(templateUrl, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
