// Handlers for the key routes: the request's own principal, and the inventory from ops.api_keys.
import { listApiKeys } from '../../../lib/db/api-keys.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import type * as routes from './keys.routes.ts';

export function keyHandlers(db: Queryable) {
  const whoami: AppRouteHandler<typeof routes.whoami> = (c) => c.json(c.get('principal'), 200);
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const keys = await listApiKeys(db);
    return c.json({ items: keys.map((k) => ({ ...k, createdAt: iso(k.createdAt), revokedAt: isoOrNull(k.revokedAt) })) }, 200);
  };
  return { whoami, list };
}
