// Who am I (any key) and the key inventory (admin): the smallest routes that exercise the roles.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { errorResponse, jsonContent, keyed, Timestamp } from '../../openapi.ts';

const Role = z.enum(['device', 'reader', 'admin']);
export const WhoAmI = z.object({ keyId: z.string(), role: Role, deviceId: z.string().optional() }).openapi('WhoAmI');
export const KeyInfo = z
  .object({ id: z.string(), name: z.string(), role: Role, deviceId: z.string().nullable(), createdAt: Timestamp, revokedAt: Timestamp.nullable() })
  .openapi('ApiKey');

const errors = { 401: errorResponse('no valid key'), 403: errorResponse('the key lacks the role') };
const tags = ['keys'];

export const whoami = createRoute({
  method: 'get',
  path: '/whoami',
  tags,
  summary: 'The key this request was made with',
  security: keyed,
  middleware: [requireRole('device', 'reader')] as const,
  responses: { 200: jsonContent(WhoAmI, 'the key'), ...errors },
});

export const list = createRoute({
  method: 'get',
  path: '/keys',
  tags,
  summary: 'All API keys (never their secrets)',
  security: keyed,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(KeyInfo) }), 'keys'), ...errors },
});
