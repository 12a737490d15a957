// The models router, mounted at /v1/models.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { modelHandlers } from './models.handlers.ts';
import * as routes from './models.routes.ts';

export function modelsRouter(deps: AppDeps) {
  const handlers = modelHandlers(deps.readPool, deps.writePool);
  return router()
    .openapi(routes.list, handlers.list)
    .openapi(routes.create, handlers.create)
    .openapi(routes.versions, handlers.versions)
    .openapi(routes.production, handlers.production)
    .openapi(routes.compare, handlers.compare);
}
