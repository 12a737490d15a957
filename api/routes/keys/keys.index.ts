// The keys group's router: /whoami and /keys, mounted under /v1.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { keyHandlers } from './keys.handlers.ts';
import * as routes from './keys.routes.ts';

export function keysRouter(deps: AppDeps) {
  const handlers = keyHandlers(deps.readPool, deps.writePool);
  return router()
    .openapi(routes.whoami, handlers.whoami)
    .openapi(routes.list, handlers.list)
    .openapi(routes.create, handlers.create)
    .openapi(routes.revoke, handlers.revoke);
}
