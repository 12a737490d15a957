// The runs router, mounted at /v1/runs.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { runHandlers } from './runs.handlers.ts';
import * as routes from './runs.routes.ts';

export function runsRouter(deps: AppDeps) {
  const handlers = runHandlers(deps.readPool, deps.temporal);
  return router().openapi(routes.list, handlers.list).openapi(routes.one, handlers.one).openapi(routes.logs, handlers.logs);
}
