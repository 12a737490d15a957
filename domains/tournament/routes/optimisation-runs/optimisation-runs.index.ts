// The optimisation-runs router, mounted at /v1/optimisation-runs.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { optimisationRunHandlers, type OptimisationRunOptions } from './optimisation-runs.handlers.ts';
import * as routes from './optimisation-runs.routes.ts';

export function optimisationRunsRouter(deps: AppDeps, options?: OptimisationRunOptions) {
  const handlers = optimisationRunHandlers(deps.readPool, { freshnessTtlMs: deps.freshnessTtlMs, ...options });
  return (
    router()
      .openapi(routes.one, handlers.one)
      // The key check, then revalidations answered from the version cache, then validation.
      .openapi({ ...routes.rankings, middleware: [...routes.rankings.middleware, handlers.revalidation] as const }, handlers.rankings)
      .openapi(routes.entry, handlers.entry)
      .openapi(routes.bids, handlers.bids)
      .openapi(routes.report, handlers.report)
  );
}
