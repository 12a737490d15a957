// The devices router, mounted at /v1/devices.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { deviceHandlers } from './devices.handlers.ts';
import * as routes from './devices.routes.ts';

export function devicesRouter(deps: AppDeps) {
  const handlers = deviceHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs });
  return router()
    .openapi(routes.list, handlers.list)
    .openapi(routes.activity, handlers.activity)
    .openapi(routes.sessions, handlers.sessions)
    .openapi(routes.session, handlers.session);
}
