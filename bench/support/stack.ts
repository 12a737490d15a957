// A throwaway stack for benchmarks that need Temporal: PostgreSQL and a Temporal dev server
// (in memory), migrated, with in-process workers on both queues.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startInfrastructure } from '../../cli/stack/infra.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { openStorage } from '../../lib/storage/index.ts';
import { definitions } from '../../domains/index.ts';
import { createWorker, installRuntime, workflowsPath } from '../../engine/temporal/worker.ts';
import { enableStatementStats, statementStatsSettings } from './statement-time.ts';

export interface BenchStack {
  config: Config;
  client: Client;
  pool: Pool;
  native: NativeConnection;
  /** The database owner (superuser on the embedded server), for pg_stat_statements. */
  owner: Pool;
  stop(): Promise<void>;
}

const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

/** `statementStats`: the server preloads pg_stat_statements (see ./statement-time.ts). */
export async function benchStack(name: string, options: { workers?: boolean; statementStats?: boolean } = {}): Promise<BenchStack> {
  installRuntime('error'); // before the dev server starts: it instantiates Temporal's runtime
  const home = mkdtempSync(join(tmpdir(), `refinery-bench-${name}-`));
  const base = loadConfig({ LOG_LEVEL: 'warn', TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH }, { useRunningStack: false });
  const infra = await startInfrastructure({
    config: base,
    home,
    say: () => {},
    ephemeral: true,
    database: `bench_${name}`,
    postgresSettings: options.statementStats ? statementStatsSettings : undefined,
  });
  const config = loadConfig({ ...infra.env, LOG_LEVEL: 'warn' }, { useRunningStack: false });
  const { storage } = await openStorage(config.storage);
  const native = await NativeConnection.connect({ address: config.temporal.address! });
  const connection = await Connection.connect({ address: config.temporal.address! });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const pool = createPool(config.workerDatabaseUrl!, { applicationName: `bench-${name}`, max: 20 });
  const owner = createPool(infra.env.DATABASE_URL!, { applicationName: `bench-${name}-owner`, max: 2 });
  if (options.statementStats) await enableStatementStats(owner);
  const workers: Worker[] = [];
  if (options.workers !== false) {
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
    const log = createLogger('warn', 'bench');
    for (const queue of ['io', 'compute'] as const) {
      workers.push(await createWorker({ config, queue, connection: native, pools: { worker: pool }, storage, log, definitions, workflowBundle: bundle }));
    }
  }
  const runs = workers.map((w) => w.run());
  return {
    config,
    client,
    pool,
    native,
    owner,
    async stop() {
      for (const w of workers) w.shutdown();
      await Promise.allSettled(runs);
      await connection.close();
      await native.close();
      await pool.end();
      await owner.end();
      await infra.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export { bundleWorkflowCode, Worker, quiet };
