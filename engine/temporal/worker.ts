// Worker wiring: one worker per task queue. The io worker hosts the workflows and the I/O-bound
// activities; the compute worker runs only CPU-heavy activities, so each can scale on its own.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { StepMetrics } from '../activities/step-metrics.ts';
import type { Config } from '../../lib/config.ts';
import type { Definitions } from '../definitions.ts';
import type { Pool } from '../../lib/db/pool.ts';
import type { ObjectStorage } from '../../lib/storage/index.ts';
import type { Logger } from '../../lib/log.ts';
import { explainConnectFailure, temporalConnectionOptions } from './connection.ts';

export { installRuntime } from './runtime.ts';

export type QueueKind = 'io' | 'compute';
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** How long a stopping worker lets running activities finish; Compose's stop_grace_period must exceed it. */
export const WORKER_SHUTDOWN_GRACE_SECONDS = 10;

export async function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(temporalConnectionOptions(config));
  } catch (e) {
    throw await explainConnectFailure(config, e);
  }
}

export interface WorkerOptions {
  config: Config;
  queue: QueueKind;
  connection: NativeConnection;
  pools: { worker: Pool };
  storage: ObjectStorage;
  log: Logger;
  /** The deployment's pipelines and step activities (domains/index.ts `definitions`). */
  definitions: Definitions;
  /** A prebuilt bundle (tests build it once); otherwise the io worker bundles engine/workflows/ at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Task queue names override (tests use one pair per file). */
  taskQueues?: { io: string; compute: string };
  /** Step attempt counters for the worker's metrics endpoint. */
  metrics?: StepMetrics;
  /** Activity slots of this worker (default: 50 on io, one per core on compute); benches saturate a small worker. */
  maxConcurrentActivities?: number;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const queues = options.taskQueues ?? options.config.taskQueues;
  const activities = createActivities({
    pools: options.pools,
    storage: options.storage,
    log: options.log,
    taskQueues: queues,
    landingDir: options.config.landingDir,
    definitions: options.definitions,
    metrics: options.metrics,
    links: { temporalUi: options.config.temporal.uiUrl, namespace: options.config.temporal.namespace },
  });
  const common = {
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    activities,
    shutdownGraceTime: `${WORKER_SHUTDOWN_GRACE_SECONDS} seconds`,
  } as const;
  if (options.queue === 'io') {
    return Worker.create({
      ...common,
      taskQueue: queues.io,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 50,
    });
  }
  return Worker.create({
    ...common,
    taskQueue: queues.compute,
    // CPU-bound work: one activity per core keeps heartbeats timely.
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? Math.max(1, cpus().length),
  });
}
