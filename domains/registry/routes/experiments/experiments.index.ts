// The experiments router, mounted at /v1/experiments.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { experimentHandlers } from './experiments.handlers.ts';
import * as routes from './experiments.routes.ts';

export function experimentsRouter(deps: AppDeps) {
  return router().openapi(routes.list, experimentHandlers(deps.readPool).list);
}
