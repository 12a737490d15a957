// Worker wiring: one worker per task queue. The io worker hosts the workflows and the I/O-bound
// activities; the compute worker runs only CPU-heavy activities, so each can scale on its own.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { Config } from '../../lib/config.ts';
import type { Definitions } from '../definitions.ts';
import type { Pool } from '../../lib/db/pool.ts';
import type { Logger } from '../../lib/log.ts';
import { requireTemporalAddress, TemporalUnreachable } from './client.ts';

export type QueueKind = 'io' | 'compute';
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/** Temporal's own logs at warn and above, so the worker's output stays readable. */
export function installRuntime(level: Config['logLevel']): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const map = { fatal: 'ERROR', error: 'ERROR', warn: 'WARN', info: 'WARN', debug: 'DEBUG', trace: 'TRACE', silent: 'ERROR' } as const;
  Runtime.install({ logger: new DefaultLogger(map[level]) });
}

export async function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  const address = requireTemporalAddress(config);
  try {
    return await NativeConnection.connect({ address });
  } catch (e) {
    throw new TemporalUnreachable(`TEMPORAL_ADDRESS: cannot connect to ${address} (${(e as Error).message.split('\n')[0]})`);
  }
}

export interface WorkerOptions {
  config: Config;
  queue: QueueKind;
  connection: NativeConnection;
  pools: { worker: Pool };
  log: Logger;
  /** The deployment's pipelines and step activities (domains/index.ts `definitions`). */
  definitions: Definitions;
  /** A prebuilt bundle (tests build it once); otherwise the io worker bundles engine/workflows/ at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Task queue names override (tests use one pair per file). */
  taskQueues?: { io: string; compute: string };
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const queues = options.taskQueues ?? options.config.taskQueues;
  const activities = createActivities({
    pools: options.pools,
    log: options.log,
    taskQueues: queues,
    landingDir: options.config.landingDir,
    definitions: options.definitions,
  });
  const common = {
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    activities,
    shutdownGraceTime: '10 seconds',
  } as const;
  if (options.queue === 'io') {
    return Worker.create({
      ...common,
      taskQueue: queues.io,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
      maxConcurrentActivityTaskExecutions: 50,
    });
  }
  return Worker.create({
    ...common,
    taskQueue: queues.compute,
    // CPU-bound work: one activity per core keeps heartbeats timely.
    maxConcurrentActivityTaskExecutions: Math.max(1, cpus().length),
  });
}
