// The health group's router: /healthz, /readyz and /metrics, mounted at the root.
import type { Registry } from 'prom-client';
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { healthHandlers } from './health.handlers.ts';
import * as routes from './health.routes.ts';

export function healthRouter(deps: AppDeps, registry: Registry) {
  const handlers = healthHandlers(deps.ready, registry);
  return router().openapi(routes.healthz, handlers.healthz).openapi(routes.readyz, handlers.readyz).openapi(routes.metrics, handlers.metrics);
}
