// The tracking router, mounted at /v1/tracking.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { trackingHandlers } from './tracking.handlers.ts';
import * as routes from './tracking.routes.ts';

export function trackingRouter(deps: AppDeps) {
  const h = trackingHandlers(deps);
  return router()
    .openapi(routes.create, h.create)
    .openapi(routes.params, h.params)
    .openapi(routes.metrics, h.metrics)
    .openapi(routes.setTags, h.setTags)
    .openapi(routes.artifact, h.artifact)
    .openapi(routes.artifactLink, h.artifactLink)
    .openapi(routes.finish, h.finish)
    .openapi(routes.register, h.register);
}
