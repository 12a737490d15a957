// What every activity factory receives: the worker's database pool, object storage, a logger and
// the definitions.
import type { Logger } from 'pino';
import type { Definitions } from '../definitions.ts';
import type { Pool } from '../../lib/db/pool.ts';
import type { StepMetrics } from './step-metrics.ts';
import type { ObjectStorage } from '../../lib/storage/index.ts';

export interface ActivityDeps {
  pools: { worker: Pool };
  /** Where datasets, model artifacts and archives live (the deployment's configured driver). */
  storage: ObjectStorage;
  log: Logger;
  /** The task queues of this deployment (child workflows and steps are routed by kind). */
  taskQueues: { io: string; compute: string };
  /** Root of the landing folders that bronze loads read (a step's `landingDir` param overrides it). */
  landingDir: string;
  /** The deployment's pipelines and step activities (domains/index.ts). */
  definitions: Definitions;
  /** Where step attempts are counted (the worker's metrics port); absent in tests that do not look. */
  metrics?: StepMetrics;
  /** Where runs link to in the Temporal Web UI (temporalUi undefined: no links). */
  links: { temporalUi?: string; namespace: string };
}
