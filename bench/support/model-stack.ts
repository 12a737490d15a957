// The stack bench/live.ts and bench/predict.ts run on: a migrated PostgreSQL with the role logins, a
// 100-tree production exercise model trained on simulated people, and `refinery api` processes.
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { provisionLogins } from '../../lib/db/roles.ts';
import { seedProductionModel } from '../../test/support/model.ts';
import { startRefinery, type RefineryProcess } from '../../test/support/processes.ts';
import { benchDatabase } from './database.ts';
import { stackEnv } from './env.ts';

export interface ModelStack {
  owner: Pool;
  version: string;
  modelVersionId: number;
  /** A `refinery api` process with these extra variables, once it listens; `gone` says why it stopped, if it has. */
  startApi(env?: Record<string, string>): Promise<{ url: string; pid: number; gone(): string | null }>;
  stop(): Promise<void>;
}

export async function modelStack(name: string): Promise<ModelStack> {
  const db = await benchDatabase(name);
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { worker: 'bench-w', ingest: 'bench-i', api: 'bench-a', registrar: 'bench-r' });
  const owner = createPool(db.url, { applicationName: `bench-${name}`, max: 4 });
  await owner.query('TRUNCATE bronze.imu_segments, bronze.ingest_batches, live.device_tails, registry.live_predictions');
  console.log('training a 100-tree production model on simulated people…');
  const { modelVersionId } = await seedProductionModel(owner, { persons: 6, trees: 100 });
  const apis: RefineryProcess[] = [];
  return {
    owner,
    version: db.version,
    modelVersionId,
    async startApi(env = {}) {
      const port = await freePort();
      const api = startRefinery(
        ['api'],
        stackEnv({
          DATABASE_URL: db.url,
          INGEST_DATABASE_URL: logins.ingest!,
          API_DATABASE_URL: logins.api!,
          REGISTRAR_DATABASE_URL: logins.registrar!,
          API_PORT: String(port),
          LOG_LEVEL: 'warn',
          ...env,
        }),
        // BENCH_PROFILE=<dir>: each API writes a CPU profile there when it stops.
        process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
      );
      apis.push(api);
      await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
      const gone = () =>
        api.child.exitCode === null && api.child.signalCode === null
          ? null
          : `the API (pid ${api.child.pid}) stopped (${api.child.exitCode ?? api.child.signalCode}):\n${api.output().slice(-4000)}`;
      return { url: `http://127.0.0.1:${port}`, pid: api.child.pid!, gone };
    },
    async stop() {
      for (const api of apis) await api.kill('SIGTERM');
      await owner.end();
      await db.stop();
    },
  };
}
