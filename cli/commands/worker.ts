// `refinery worker`: runs the Temporal worker(s) for the io queue, the compute queue, or both, and,
// with WORKER_METRICS_PORT, serves Prometheus metrics (Refinery's and the Temporal SDK's) and a
// health check on that port.
import type { Command } from 'commander';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, requireUrl } from '../../lib/config.ts';
import { registerPoolGauge } from '../../lib/db/pool-metrics.ts';
import { checkConnection, createPool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { openStorage } from '../../lib/storage/index.ts';
import { definitions } from '../../domains/index.ts';
import { createStepMetrics } from '../../engine/activities/step-metrics.ts';
import { connectWorkerConnection, createWorker, installRuntime, type QueueKind } from '../../engine/temporal/worker.ts';
import { startWorkerMonitor, type WorkerMonitor } from '../../engine/temporal/worker-monitor.ts';
import { freePort } from '../stack/ports.ts';
import { examples } from '../context.ts';
import { Client } from '@temporalio/client';
import { ensureWatches } from '../../engine/temporal/watches.ts';
import { UserError } from '../user-error.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker: io (workflows and I/O steps), compute (CPU-heavy steps) or all')
    .option('--queue <kind>', 'io | compute | all', 'all')
    .addHelpText(
      'after',
      examples(
        'refinery worker --queue io                             # workflows and I/O-bound steps',
        'WORKER_METRICS_PORT=9464 refinery worker --queue compute',
        'curl -s localhost:9464/metrics | grep refinery_steps   # step counters; /healthz for a probe',
      ),
    )
    .action(async (opts: { queue: string }) => {
      if (!['io', 'compute', 'all'].includes(opts.queue)) throw new UserError(`--queue: must be io, compute or all (got "${opts.queue}")`);
      const config = loadConfig();
      const log = createLogger(config.logLevel, `worker-${opts.queue}`);
      const url = requireUrl(config, 'worker');
      await checkConnection(url, 'WORKER_DATABASE_URL');
      const metricsPort = config.workerMetrics.port;
      const sdkPort = metricsPort === undefined ? undefined : await freePort();
      installRuntime(config.logLevel, { log, metricsBindAddress: sdkPort ? `127.0.0.1:${sdkPort}` : undefined });
      const { storage } = await openStorage(config.storage);
      const connection = await connectWorkerConnection(config);
      const pool = createPool(url, { applicationName: `refinery-worker-${opts.queue}`, max: config.workerPoolMax });
      const registry = new Registry();
      collectDefaultMetrics({ register: registry, prefix: 'refinery_worker_' });
      registerPoolGauge(registry, { worker: pool });
      const metrics = createStepMetrics(registry);
      const kinds: QueueKind[] = opts.queue === 'all' ? ['io', 'compute'] : [opts.queue as QueueKind];
      const workers = await Promise.all(
        kinds.map(async (queue) => ({
          queue,
          worker: await createWorker({ config, queue, connection, pools: { worker: pool }, storage, log, definitions, metrics }),
        })),
      );
      let monitor: WorkerMonitor | undefined;
      if (metricsPort !== undefined) {
        monitor = await startWorkerMonitor({
          host: config.workerMetrics.host,
          port: metricsPort,
          registry,
          workers: workers.map((w) => ({ queue: config.taskQueues[w.queue], worker: w.worker })),
          sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics`,
        });
      }
      if (kinds.includes('io')) {
        // Deadlines and freshness run on durable timers in Temporal; starting them again is a no-op.
        const watched = await ensureWatches(
          new Client({ connection, namespace: config.temporal.namespace }),
          config.taskQueues.io,
          definitions.pipelines.values(),
        );
        if (watched.length) log.info({ pipelines: watched }, 'watching deadlines and freshness');
      }
      log.info({ queues: kinds.map((k) => config.taskQueues[k]), metrics: monitor ? `${monitor.url}/metrics` : undefined }, 'worker running');
      // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks finish or the grace time ends.
      await Promise.all(workers.map((w) => w.worker.run()));
      await monitor?.close();
      await pool.end();
      await connection.close();
      log.info('worker stopped');
    });
}
