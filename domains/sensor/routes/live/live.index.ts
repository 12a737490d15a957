// The live predictions router, mounted at /v1/devices beside the devices router.
import { router } from '../../../../api/openapi.ts';
import type { Pool } from '../../../../lib/db/pool.ts';
import type { LiveHub } from '../../live/hub.ts';
import { liveHandlers } from './live.handlers.ts';
import * as routes from './live.routes.ts';

export function liveRouter(db: Pool, hub: LiveHub) {
  const handlers = liveHandlers(db, hub);
  return router().openapi(routes.live, handlers.live).openapi(routes.predictions, handlers.predictions);
}
