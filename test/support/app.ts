// The API app of a test file with everything wired: the read-only, ingest and registrar roles, the
// file's object storage, and (when given) a training starter.
import { createApp, type App } from '../../api/app.ts';
import type { AppDeps } from '../../api/types.ts';
import { createLogger } from '../../lib/log.ts';
import { getPipeline } from '../../domains/index.ts';
import { MODEL_TRAINING } from '../../domains/registry/pipeline.ts';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import type { TestStack } from './stack.ts';

export function testApp(stack: TestStack, overrides: Partial<AppDeps> & { uploadMaxBytes?: number; retentionDays?: number } = {}): App {
  const { uploadMaxBytes, retentionDays, ...rest } = overrides;
  return createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    writePool: stack.pools.registrar,
    storage: {
      objects: stack.storage,
      signingSecret: stack.signingSecret,
      uploadMaxBytes: uploadMaxBytes ?? 200 * 1024 * 1024,
      urlExpirySeconds: 600,
      retentionDays: retentionDays ?? 30,
    },
    // TEST_API_LOG=error shows the app's own errors (a 500's cause) while debugging a test.
    log: createLogger((process.env.TEST_API_LOG as 'error' | undefined) ?? 'silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
    // Training runs start on this file's own task queues (its workers pick them up).
    training: async ({ partition, params }) => {
      const { handle } = await startPipelineRun(stack.client, stack.config, getPipeline(MODEL_TRAINING), partition, { params });
      return { workflowId: handle.workflowId };
    },
    ...rest,
  });
}
