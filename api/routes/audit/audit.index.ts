// The audit router, mounted at /v1/audit.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { auditHandlers } from './audit.handlers.ts';
import * as routes from './audit.routes.ts';

export function auditRouter(deps: AppDeps) {
  return router().openapi(routes.list, auditHandlers(deps.readPool).list);
}
