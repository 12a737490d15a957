// The entries router, mounted at /v1/optimisation-runs beside the optimisation-runs router (its paths start with /{id}/entries).
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { entryHandlers } from './entries.handlers.ts';
import * as routes from './entries.routes.ts';

export function entriesRouter(deps: AppDeps) {
  const handlers = entryHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs });
  return router().openapi(routes.portfolio, handlers.portfolio).openapi(routes.payouts, handlers.payouts).openapi(routes.outcomes, handlers.outcomes);
}
