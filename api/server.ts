// The API process: pools for the read-only, ingest and registrar roles, object storage, a lazy
// Temporal connection (readiness, schedules, starting training runs), and the HTTP server. Stops
// cleanly on SIGINT/SIGTERM.
import { createAdaptorServer } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { requireUrl, type Config } from '../lib/config.ts';
import { createPool } from '../lib/db/pool.ts';
import { openStorage } from '../lib/storage/index.ts';
import { startPipelineRun } from '../engine/temporal/runs.ts';
import { getPipeline } from '../domains/index.ts';
import { MODEL_TRAINING } from '../domains/registry/pipeline.ts';
import type { Logger } from '../lib/log.ts';
import { explainConnectFailure, temporalConnectionOptions } from '../engine/temporal/connection.ts';
import { reconcilerRunning } from '../engine/temporal/reconcilers.ts';
import { ScheduleError, showSchedule } from '../engine/temporal/schedules.ts';
import { createApp } from './app.ts';

/**
 * Connections the kernel holds for the API before it accepts them (Linux caps it at
 * net.core.somaxconn). Node's default, 511, overflowed when a fleet of 1,000 devices connected at
 * once while the API was busy: the dropped handshakes were retried by the devices' kernels 1 and 3
 * seconds later, which made the slowest acknowledgements take seconds (bench/ingest.ts).
 */
export const LISTEN_BACKLOG = 4096;

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: Config, log: Logger): Promise<RunningApi> {
  const readPool = createPool(requireUrl(config, 'api'), { applicationName: 'refinery-api', max: 20, statementTimeoutMs: 5000 });
  const ingestPool = createPool(requireUrl(config, 'ingest'), { applicationName: 'refinery-ingest', max: 10 });
  const writePool = createPool(requireUrl(config, 'registrar'), { applicationName: 'refinery-registrar', max: 10, statementTimeoutMs: 30_000 });
  const { storage, signingSecret } = await openStorage(config.storage);
  if (storage.driver === 'filesystem' && !config.storage.signingSecret) {
    log.warn('STORAGE_SIGNING_SECRET is not set: download links are signed with a key of this process only (set it when running several API processes)');
  }
  // Lazy: the API serves gold without Temporal; /readyz reports it, and a failure to reach it at
  // start is logged once with the setting to fix (a wrong CA, a missing client certificate...).
  const temporal = Connection.lazy({ ...temporalConnectionOptions(config), connectTimeout: '2s' });
  temporal.ensureConnected().catch(async (e: unknown) => log.error((await explainConnectFailure(config, e)).message));
  const temporalClient = new Client({ connection: temporal, namespace: config.temporal.namespace });
  const app = createApp({
    schedules: async (pipeline) => {
      try {
        const s = await showSchedule(temporalClient, pipeline);
        return { spec: s.spec, timezone: s.timezone, paused: s.paused, note: s.note, nextRuns: s.nextRuns };
      } catch (e) {
        if (e instanceof ScheduleError) return undefined;
        throw e;
      }
    },
    reconcilers: (pipeline) => reconcilerRunning(temporalClient, pipeline),
    readPool,
    ingestPool,
    writePool,
    storage: {
      objects: storage,
      signingSecret,
      uploadMaxBytes: config.uploadMaxBytes,
      urlExpirySeconds: config.storage.urlExpirySeconds,
      retentionDays: config.datasetRetentionDays,
      publicUrl: config.api.publicUrl,
    },
    training: async ({ partition, params }) => {
      const { handle } = await startPipelineRun(temporalClient, config, getPipeline(MODEL_TRAINING), partition, { params });
      return { workflowId: handle.workflowId };
    },
    log,
    corsOrigins: config.api.corsOrigins,
    temporal: { uiUrl: config.temporal.uiUrl, namespace: config.temporal.namespace },
    live: config.api.live,
    ready: {
      postgres: async () => {
        await readPool.query('select 1');
      },
      // Within the probe's 2 s, so no retry of the call is still pending when the API closes the connection.
      temporal: async () => {
        await temporal.withDeadline(Date.now() + 1500, () => temporal.workflowService.getSystemInfo({}));
      },
    },
  });
  const server = createAdaptorServer({
    fetch: app.fetch,
    // Slow or stalled clients (a body that never finishes) are cut off instead of holding a
    // socket; Node checks for them every connectionsCheckingInterval.
    serverOptions: {
      requestTimeout: config.api.requestTimeoutMs,
      headersTimeout: Math.min(config.api.requestTimeoutMs, 10_000),
      connectionsCheckingInterval: Math.min(1000, config.api.requestTimeoutMs / 2),
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `API_PORT: ${config.api.port} is already in use` : e.message)),
    );
    server.listen({ host: config.api.host, port: config.api.port, backlog: LISTEN_BACKLOG }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  const url = `http://${config.api.host}:${port}`;
  log.info({ url }, 'API listening');
  return {
    url,
    async close() {
      // Live streams first: they would hold their connections open until maxSeconds.
      await app.hub.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.ingest.drain();
      await Promise.all([readPool.end(), ingestPool.end(), writePool.end(), temporal.close()]);
    },
  };
}
