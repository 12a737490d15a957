// Who am I (any key) and key administration (admin): the inventory, a new key (its token is in
// the answer and nowhere else) and revocation.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { keyRoles } from '../../../lib/keys.ts';
import { errorResponse, jsonContent, keyed, Timestamp } from '../../openapi.ts';

const Role = z.enum(keyRoles as ['device', 'reader', 'data_scientist', 'admin']);
export const WhoAmI = z.object({ keyId: z.string(), role: Role, deviceId: z.string().optional() }).openapi('WhoAmI');
export const KeyInfo = z
  .object({ id: z.string(), name: z.string(), role: Role, deviceId: z.string().nullable(), createdAt: Timestamp, revokedAt: Timestamp.nullable() })
  .openapi('ApiKey');
const NewKey = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    role: Role,
    deviceId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be a device id')
      .optional()
      .openapi({ description: 'Required for device keys, refused for others' }),
  })
  .strict()
  .openapi('NewApiKey');
const CreatedKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    deviceId: z.string().nullable(),
    token: z.string().openapi({ description: 'The key itself: shown in this answer only; Refinery keeps its hash' }),
  })
  .openapi('CreatedApiKey');

const errors = { 401: errorResponse('no valid key'), 403: errorResponse('the key lacks the role') };
const unconfigured = { 503: errorResponse('key administration is not configured on this API process (REGISTRAR_DATABASE_URL)') };
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

export const create = createRoute({
  method: 'post',
  path: '/keys',
  tags,
  summary: 'Create an API key (admin); the token is in this answer and nowhere else',
  security: keyed,
  middleware: [requireRole()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: NewKey } } } },
  responses: {
    201: jsonContent(CreatedKey, 'the new key'),
    400: errorResponse('a field is wrong, named in details'),
    422: errorResponse('fields that do not go together, named in details (a device id on a key that is not a device key, or none on one that is)'),
    ...errors,
    ...unconfigured,
  },
});

export const revoke = createRoute({
  method: 'delete',
  path: '/keys/{id}',
  tags,
  summary: 'Revoke an API key (admin): at once on this API process, within 30 s on the others',
  security: keyed,
  middleware: [requireRole()] as const,
  request: { params: z.object({ id: z.string().regex(/^[a-z0-9]{12}$/, 'must be a key id (12 lowercase letters or digits)') }) },
  responses: {
    200: jsonContent(z.object({ id: z.string(), revoked: z.literal(true) }), 'revoked'),
    400: errorResponse('not a key id'),
    ...errors,
    404: errorResponse('no such live key'),
    ...unconfigured,
  },
});
