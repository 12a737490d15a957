// The predict router, mounted at /v1/predict.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { predictHandlers } from './predict.handlers.ts';
import * as routes from './predict.routes.ts';

export function predictRouter(deps: AppDeps) {
  return router().openapi(routes.predict, predictHandlers(deps.readPool, deps.storage?.objects).predict);
}
