// Seed 003's frontend paths, mounted at /api/v1/analytics/tournaments.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { analyticsHandlers } from './analytics.handlers.ts';
import * as routes from './analytics.routes.ts';

export function analyticsRouter(deps: AppDeps) {
  const handlers = analyticsHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs });
  return router().openapi(routes.tournament, handlers.tournament).openapi(routes.runs, handlers.runs).openapi(routes.rankings, handlers.rankings);
}
