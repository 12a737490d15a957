// The API's app factory: middleware, error handling, routes and docs. `serve()` lives in server.ts;
// tests drive the app with app.request() and no socket.
import { OpenAPIHono } from '@hono/zod-openapi';
import { compression } from './compression.ts';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { KeyStore } from './auth.ts';
import { mountDocs } from './docs.ts';
import { ApiError, errorBody, onError, zodDetails } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { runRoutes } from './routes/runs.ts';
import { sensorRoutes } from '../domains/sensor/routes/sensor.ts';
import { registryRoutes } from '../domains/registry/routes/registry.ts';
import { predictRoutes } from '../domains/sensor/routes/predict.ts';
import { tournamentRoutes } from '../domains/tournament/routes/tournament.ts';
import { createMetrics } from './metrics.ts';
import { ingestRoutes } from '../domains/sensor/routes/ingest.ts';
import { IngestWriter } from '../domains/sensor/ingest/writer.ts';
import type { AppDeps, AppEnv } from './types.ts';

export function createApp(deps: AppDeps) {
  const keys = new KeyStore(deps.readPool);
  const ingest = new IngestWriter(deps.ingestPool, deps.ingest);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? '' : result.target === 'param' ? 'path' : result.target;
        throw new ApiError(400, 'the request is not valid', zodDetails(result.error, where || undefined));
      }
    },
  });

  const metrics = createMetrics({ read: deps.readPool, ingest: deps.ingestPool });
  app.use('*', requestId());
  app.use('*', metrics.middleware);
  app.use('*', compression());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  if (deps.corsOrigins?.length) {
    app.use('*', cors({ origin: deps.corsOrigins, allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key'], maxAge: 600 }));
  }

  app.onError(onError(deps.log));
  app.notFound((c) => c.json(errorBody(c, 404, `no route for ${c.req.method} ${c.req.path}`), 404));

  app.route('/', healthRoutes(deps));
  app.route('/', keyRoutes(deps, keys));
  app.route('/', ingestRoutes(deps, keys, ingest, deps.ingest?.maxBodyBytes));
  app.route('/', runRoutes(deps, keys));
  app.route('/', sensorRoutes(deps, keys));
  app.route('/', registryRoutes(deps, keys));
  app.route('/', predictRoutes(deps, keys));
  app.route('/', tournamentRoutes(deps, keys));
  app.route('/', metricsRoutes(metrics.registry));
  app.route('/', dashboardRoutes());
  mountDocs(app);
  return Object.assign(app, { keys, ingest });
}

export type App = ReturnType<typeof createApp>;
