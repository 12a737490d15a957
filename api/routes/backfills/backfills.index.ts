// The backfills router, mounted at /v1/backfills.
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { backfillHandlers } from './backfills.handlers.ts';
import * as routes from './backfills.routes.ts';

export function backfillsRouter(deps: AppDeps) {
  return router().openapi(routes.one, backfillHandlers(deps.readPool).one);
}
