// The server clock router, mounted at /v1/time (the handler is one line, so it lives here).
import { router } from '../../../../api/openapi.ts';
import * as routes from './time.routes.ts';

export function timeRouter() {
  return router().openapi(routes.time, (c) => {
    const now = Date.now();
    return c.json({ serverTime: now, iso: new Date(now).toISOString() }, 200);
  });
}
