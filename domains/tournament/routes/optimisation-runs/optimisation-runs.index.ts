// The optimisation-runs router, mounted at /v1/optimisation-runs.
import { router } from '../../../../api/openapi.ts';
import type { RevalidationRoute } from '../../../../api/revalidation.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { optimisationRunHandlers, type OptimisationRunOptions } from './optimisation-runs.handlers.ts';
import * as routes from './optimisation-runs.routes.ts';

export function optimisationRunsRouter(deps: AppDeps, options?: OptimisationRunOptions) {
  const handlers = optimisationRunHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs, ...options });
  const app = router()
    .openapi(routes.one, handlers.one)
    // The key check, then revalidations answered from the version cache, then validation.
    .openapi({ ...routes.rankings, middleware: [...routes.rankings.middleware, handlers.revalidation] as const }, handlers.rankings)
    .openapi(routes.entry, handlers.entry)
    .openapi(routes.bids, handlers.bids)
    .openapi(routes.report, handlers.report);
  /** The rankings route (this router mounted at `prefix`) for the app's revalidation lane: a run's remembered version. */
  const rankingsRevalidation = (prefix: string): RevalidationRoute => {
    const path = new RegExp(`^${prefix}/([1-9][0-9]{0,14})/rankings$`);
    return {
      route: `${prefix}/:id/rankings`,
      roles: routes.readerRoles,
      version: (p) => {
        const m = path.exec(p);
        return m ? handlers.rankingsVersion(Number(m[1])) : undefined;
      },
    };
  };
  return Object.assign(app, { rankingsRevalidation });
}
