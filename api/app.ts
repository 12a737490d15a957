// The API's app factory: middleware, error handling, routes and docs. `serve()` lives in server.ts;
// tests drive the app with app.request() and no socket.
import { OpenAPIHono } from '@hono/zod-openapi';
import { compression } from './compression.ts';
import { cors } from 'hono/cors';
import { KeyStore } from './auth.ts';
import { mountDocs } from './docs.ts';
import { ApiError, errorBody, onError, zodDetails } from './errors.ts';
import { alertsRouter } from './routes/alerts/alerts.index.ts';
import { backfillsRouter } from './routes/backfills/backfills.index.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRouter } from './routes/health/health.index.ts';
import { keysRouter } from './routes/keys/keys.index.ts';
import { auditRouter } from './routes/audit/audit.index.ts';
import { downloadsRouter } from './routes/downloads/downloads.index.ts';
import { auditWrites } from './audit.ts';
import { pipelinesRouter } from './routes/pipelines/pipelines.index.ts';
import { runsRouter } from './routes/runs/runs.index.ts';
import { experimentsRouter } from '../domains/registry/routes/experiments/experiments.index.ts';
import { modelsRouter } from '../domains/registry/routes/models/models.index.ts';
import { datasetsRouter } from '../domains/registry/routes/datasets/datasets.index.ts';
import { deploymentsRouter } from '../domains/registry/routes/deployments/deployments.index.ts';
import { trackingRouter } from '../domains/registry/routes/tracking/tracking.index.ts';
import { modelTrainingRouter } from '../domains/registry/routes/model-training/model-training.index.ts';
import { trainingRunsRouter } from '../domains/registry/routes/training-runs/training-runs.index.ts';
import { devicesRouter } from '../domains/sensor/routes/devices/devices.index.ts';
import { ingestRouter } from '../domains/sensor/routes/ingest/ingest.index.ts';
import { predictRouter } from '../domains/sensor/routes/predict/predict.index.ts';
import { analyticsRouter } from '../domains/tournament/routes/analytics/analytics.index.ts';
import { entriesRouter } from '../domains/tournament/routes/entries/entries.index.ts';
import { optimisationRunsRouter } from '../domains/tournament/routes/optimisation-runs/optimisation-runs.index.ts';
import { teamsRouter } from '../domains/tournament/routes/teams/teams.index.ts';
import { tournamentsRouter } from '../domains/tournament/routes/tournaments/tournaments.index.ts';
import { createMetrics } from './metrics.ts';
import { logRequest, requestContext } from './request-id.ts';
import { revalidationLane } from './revalidation.ts';
import { documentedMethods } from './methods.ts';
import { IngestWriter } from '../domains/sensor/ingest/writer.ts';
import { LiveClassifier } from '../domains/sensor/live/classifier.ts';
import { LiveHub } from '../domains/sensor/live/hub.ts';
import { registerLiveMetrics } from '../domains/sensor/live/metrics.ts';
import { liveRouter } from '../domains/sensor/routes/live/live.index.ts';
import { timeRouter } from '../domains/sensor/routes/time/time.index.ts';
import { EXERCISE_MODEL } from '../domains/sensor/steps/train.ts';
import { NoProductionModelError, ProductionModelCache } from '../domains/registry/sql/models.ts';
import type { AppDeps, AppEnv } from './types.ts';

export function createApp(deps: AppDeps) {
  const keys = new KeyStore(deps.readPool);
  // The live path (on unless deps.live is false): the ingest transaction classifies each device's
  // complete windows with the production model; the hub streams them to this process's clients.
  const production = new ProductionModelCache(deps.readPool, EXERCISE_MODEL, deps.storage?.objects);
  const live = deps.live === false ? undefined : new LiveClassifier();
  const ingest = new IngestWriter(
    deps.ingestPool,
    deps.ingest,
    live && {
      classifier: live,
      log: deps.log,
      model: () => production.get().catch((e: unknown) => (e instanceof NoProductionModelError ? null : Promise.reject(e as Error))),
    },
  );
  const hub = new LiveHub(deps.readPool, deps.log);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? '' : result.target === 'param' ? 'path' : result.target;
        throw new ApiError(400, 'the request is not valid', zodDetails(result.error, where || undefined));
      }
    },
  });

  const metrics = createMetrics({ read: deps.readPool, ingest: deps.ingestPool });
  registerLiveMetrics(metrics.registry, { stats: live?.stats, failures: () => ingest.stats.liveFailures, hub });
  app.use('*', requestContext(keys));
  app.use('*', metrics.middleware);
  app.use('*', compression());
  // The request log is at info: at a quieter level, no per-request work at all.
  if (deps.log.isLevelEnabled('info'))
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      logRequest(deps.log, { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, started });
    });
  if (deps.corsOrigins?.length) {
    app.use('*', cors({ origin: deps.corsOrigins, allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key'], maxAge: 600 }));
  }

  app.use('/v1/*', auditWrites(deps.writePool, deps.log));

  app.onError(onError(deps.log));
  const methodsOf = documentedMethods(app);
  app.notFound((c) => {
    const allowed = methodsOf(c.req.path);
    if (allowed && !allowed.includes(c.req.method)) {
      c.header('Allow', allowed.join(', '));
      return c.json(errorBody(c, 405, `${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(', ')}`), 405);
    }
    return c.json(errorBody(c, 404, `no route for ${c.req.method} ${c.req.path}`), 404);
  });

  // The API's surface, one group per resource: engine routes from api/routes, domain routes from
  // their domain's folder.
  app.route('/', healthRouter(deps, metrics.registry));
  app.route('/v1', keysRouter(deps));
  app.route('/v1/audit', auditRouter(deps));
  app.route('/v1/downloads', downloadsRouter(deps.storage));
  app.route('/v1/pipelines', pipelinesRouter(deps));
  app.route('/v1/runs', runsRouter(deps));
  app.route('/v1/backfills', backfillsRouter(deps));
  app.route('/v1/alerts', alertsRouter(deps));
  app.route('/v1/ingest', ingestRouter(deps, ingest));
  app.route('/v1/time', timeRouter());
  app.route('/v1/devices', devicesRouter(deps));
  app.route('/v1/devices', liveRouter(deps.readPool, hub));
  app.route('/v1/predict', predictRouter(deps));
  app.route('/v1/models', modelsRouter(deps));
  app.route('/v1/models', deploymentsRouter(deps));
  app.route('/v1/models', modelTrainingRouter(deps));
  app.route('/v1/tracking', trackingRouter(deps));
  app.route('/v1/datasets', datasetsRouter(deps));
  app.route('/v1/training-runs', trainingRunsRouter(deps));
  app.route('/v1/experiments', experimentsRouter(deps));
  app.route('/v1/tournaments', tournamentsRouter(deps));
  app.route('/v1/tournaments', teamsRouter(deps));
  const runsAt = '/v1/optimisation-runs';
  const optimisationRuns = optimisationRunsRouter(deps);
  app.route(runsAt, optimisationRuns);
  app.route(runsAt, entriesRouter(deps));
  // Seed 003's frontend paths, as aliases (domains/tournament/routes/analytics).
  app.route('/api/v1/analytics/tournaments', analyticsRouter(deps));
  app.route('/', dashboardRoutes());
  mountDocs(app);
  // Revalidations answered from memory skip Hono (api/revalidation.ts); CORS headers are Hono's.
  if (!deps.corsOrigins?.length) {
    const lane = revalidationLane({ keys, record: metrics.record, log: deps.log, routes: [optimisationRuns.rankingsRevalidation(runsAt)] });
    const viaHono = app.fetch;
    app.fetch = (request, ...rest) => lane(request) ?? viaHono(request, ...rest);
  }
  return Object.assign(app, { keys, ingest, live, hub });
}

export type App = ReturnType<typeof createApp>;
