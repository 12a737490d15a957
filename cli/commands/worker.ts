// `refinery worker`: runs the Temporal worker(s) for the io queue, the compute queue, or both.
import type { Command } from 'commander';
import { loadConfig, requireUrl } from '../../lib/config.ts';
import { checkConnection, createPool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { definitions } from '../../domains/index.ts';
import { connectWorkerConnection, createWorker, installRuntime, type QueueKind } from '../../engine/temporal/worker.ts';
import { UserError } from '../user-error.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker: io (workflows and I/O steps), compute (CPU-heavy steps) or all')
    .option('--queue <kind>', 'io | compute | all', 'all')
    .action(async (opts: { queue: string }) => {
      if (!['io', 'compute', 'all'].includes(opts.queue)) throw new UserError(`--queue: must be io, compute or all (got "${opts.queue}")`);
      const config = loadConfig();
      const log = createLogger(config.logLevel, `worker-${opts.queue}`);
      const url = requireUrl(config, 'worker');
      await checkConnection(url, 'WORKER_DATABASE_URL');
      installRuntime(config.logLevel);
      const connection = await connectWorkerConnection(config);
      const pool = createPool(url, { applicationName: `refinery-worker-${opts.queue}`, max: 20 });
      const kinds: QueueKind[] = opts.queue === 'all' ? ['io', 'compute'] : [opts.queue as QueueKind];
      const workers = await Promise.all(kinds.map((queue) => createWorker({ config, queue, connection, pools: { worker: pool }, log, definitions })));
      log.info({ queues: kinds.map((k) => config.taskQueues[k]) }, 'worker running');
      // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks finish or the grace time ends.
      await Promise.all(workers.map((w) => w.run()));
      await pool.end();
      await connection.close();
      log.info('worker stopped');
    });
}
