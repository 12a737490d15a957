// The pipelines router, mounted at /v1/pipelines.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { pipelineHandlers } from './pipelines.handlers.ts';
import * as routes from './pipelines.routes.ts';

export function pipelinesRouter(deps: AppDeps) {
  const handlers = pipelineHandlers(deps);
  return router().openapi(routes.list, handlers.list).openapi(routes.partitions, handlers.partitions).openapi(routes.stale, handlers.stale);
}
