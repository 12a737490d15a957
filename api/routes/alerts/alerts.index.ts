// The alerts router, mounted at /v1/alerts.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { alertHandlers } from './alerts.handlers.ts';
import * as routes from './alerts.routes.ts';

export function alertsRouter(deps: AppDeps) {
  return router().openapi(routes.list, alertHandlers(deps.readPool).list);
}
