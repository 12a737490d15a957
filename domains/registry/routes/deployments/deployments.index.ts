// The deployments router (deploy, rollback, history, aliases), mounted at /v1/models beside the models router.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { deploymentHandlers } from './deployments.handlers.ts';
import * as routes from './deployments.routes.ts';

export function deploymentsRouter(deps: AppDeps) {
  const h = deploymentHandlers(deps);
  return router()
    .openapi(routes.deploy, h.deploy)
    .openapi(routes.rollback, h.rollback)
    .openapi(routes.history, h.history)
    .openapi(routes.aliases, h.aliases)
    .openapi(routes.setAlias, h.setAlias)
    .openapi(routes.removeAlias, h.removeAlias);
}
