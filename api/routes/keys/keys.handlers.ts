// Handlers for the key routes: the request's own principal, the inventory from ops.api_keys, and
// key administration through the registrar role (insert a key, set its revocation; never read a hash).
import { createApiKey, KeyInputError, listApiKeys, revokeApiKeys } from '../../../lib/db/api-keys.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { ApiError } from '../../errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import type * as routes from './keys.routes.ts';

export function keyHandlers(db: Queryable, writer: Queryable | undefined) {
  const registrar = () => {
    if (!writer) throw new ApiError(503, 'key administration needs the registrar role (REGISTRAR_DATABASE_URL)');
    return writer;
  };
  const whoami: AppRouteHandler<typeof routes.whoami> = (c) => c.json(c.get('principal'), 200);
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const keys = await listApiKeys(db);
    return c.json({ items: keys.map((k) => ({ ...k, createdAt: iso(k.createdAt), revokedAt: isoOrNull(k.revokedAt) })) }, 200);
  };
  const create: AppRouteHandler<typeof routes.create> = async (c) => {
    const body = c.req.valid('json');
    let made;
    try {
      made = await createApiKey(registrar(), { ...body, createdBy: c.get('principal').keyId });
    } catch (e) {
      if (!(e instanceof KeyInputError)) throw e;
      const [field, ...reason] = e.message.split(': ');
      throw new ApiError(422, 'the key cannot be created', [{ field: field === 'device' ? 'deviceId' : field!, reason: reason.join(': ') }]);
    }
    c.set('auditTarget', `keys/${made.id}`);
    return c.json({ id: made.id, name: body.name, role: body.role, deviceId: body.deviceId ?? null, token: made.token }, 201);
  };
  const revoke: AppRouteHandler<typeof routes.revoke> = async (c) => {
    const { id } = c.req.valid('param');
    c.set('auditTarget', `keys/${id}`);
    if (!(await revokeApiKeys(registrar(), { id }, c.get('principal').keyId))) throw new ApiError(404, `no live key ${id}`);
    c.get('keys').forget(id);
    return c.json({ id, revoked: true as const }, 200);
  };
  return { whoami, list, create, revoke };
}
