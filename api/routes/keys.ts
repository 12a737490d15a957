// Who am I (any key) and the key inventory (admin): the smallest routes that exercise the roles.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type KeyStore } from '../auth.ts';
import { ErrorSchema } from '../errors.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const Role = z.enum(['device', 'reader', 'admin']);
const WhoAmI = z.object({ keyId: z.string(), role: Role, deviceId: z.string().optional() }).openapi('WhoAmI');
const KeyInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    deviceId: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    revokedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('ApiKey');

const errors = {
  401: { description: 'no valid key', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'the key lacks the role', content: { 'application/json': { schema: ErrorSchema } } },
};

export function keyRoutes(deps: AppDeps, keys: KeyStore) {
  const whoami = createRoute({
    method: 'get',
    path: '/v1/whoami',
    tags: ['keys'],
    summary: 'The key this request was made with',
    security: [{ apiKey: [] }],
    middleware: [requireRole(keys, 'device', 'reader')] as const,
    responses: { 200: { description: 'the key', content: { 'application/json': { schema: WhoAmI } } }, ...errors },
  });
  const list = createRoute({
    method: 'get',
    path: '/v1/keys',
    tags: ['keys'],
    summary: 'All API keys (never their secrets)',
    security: [{ apiKey: [] }],
    middleware: [requireRole(keys)] as const,
    responses: {
      200: { description: 'keys', content: { 'application/json': { schema: z.object({ items: z.array(KeyInfo) }) } } },
      ...errors,
    },
  });
  return new OpenAPIHono<AppEnv>()
    .openapi(whoami, (c) => c.json(c.get('principal'), 200))
    .openapi(list, async (c) => {
      const { rows } = await deps.readPool.query('SELECT id, name, role, device_id, created_at, revoked_at FROM ops.api_keys ORDER BY created_at, id');
      const items = rows.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        deviceId: r.device_id,
        createdAt: r.created_at.toISOString(),
        revokedAt: r.revoked_at?.toISOString() ?? null,
      }));
      return c.json({ items }, 200);
    });
}
