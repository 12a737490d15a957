// The training-runs router, mounted at /v1/training-runs.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { trainingRunHandlers } from './training-runs.handlers.ts';
import * as routes from './training-runs.routes.ts';

export function trainingRunsRouter(deps: AppDeps) {
  const h = trainingRunHandlers(deps.readPool);
  return router().openapi(routes.list, h.list).openapi(routes.one, h.one);
}
