// The datasets router, mounted at /v1/datasets.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { datasetHandlers } from './datasets.handlers.ts';
import * as routes from './datasets.routes.ts';

export function datasetsRouter(deps: AppDeps) {
  const h = datasetHandlers(deps);
  return router()
    .openapi(routes.list, h.list)
    .openapi(routes.one, h.one)
    .openapi(routes.upload, h.upload)
    .openapi(routes.version, h.version)
    .openapi(routes.statistics, h.statistics)
    .openapi(routes.preview, h.preview)
    .openapi(routes.download, h.download)
    .openapi(routes.remove, h.remove)
    .openapi(routes.restore, h.restore);
}
