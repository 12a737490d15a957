// The model-training router (POST /{name}/train), mounted at /v1/models beside the models router.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { modelTrainingHandlers } from './model-training.handlers.ts';
import * as routes from './model-training.routes.ts';

export function modelTrainingRouter(deps: AppDeps) {
  return router().openapi(routes.train, modelTrainingHandlers(deps).train);
}
