// The tournaments router, mounted at /v1/tournaments.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { tournamentHandlers } from './tournaments.handlers.ts';
import * as routes from './tournaments.routes.ts';

export function tournamentsRouter(deps: AppDeps) {
  const handlers = tournamentHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs });
  return router()
    .openapi(routes.list, handlers.list)
    .openapi(routes.one, handlers.one)
    .openapi(routes.teams, handlers.teams)
    .openapi(routes.optimisationRuns, handlers.optimisationRuns)
    .openapi(routes.latestRun, handlers.latestRun);
}
