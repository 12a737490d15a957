// The teams router, mounted at /v1/tournaments beside the tournaments router (its paths start with /{key}).
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { teamHandlers } from './teams.handlers.ts';
import * as routes from './teams.routes.ts';

export function teamsRouter(deps: AppDeps) {
  const handlers = teamHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs });
  return router()
    .openapi(routes.team, handlers.team)
    .openapi(routes.matchups, handlers.matchups)
    .openapi(routes.pair, handlers.pair)
    .openapi(routes.path, handlers.path);
}
