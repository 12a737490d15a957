// Signed downloads of stored objects (datasets, model artifacts) for the filesystem driver: the
// link itself is the credential (an HMAC over key and expiry), so it needs no API key, as an S3
// presigned URL needs none. With the S3 driver the links point at the storage server instead.
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse, headersTooLarge } from '../../openapi.ts';

export const download = createRoute({
  method: 'get',
  path: '/{token}',
  tags: ['storage'],
  summary: 'An object through a signed, expiring link (filesystem storage)',
  request: { params: z.object({ token: z.string().min(1).max(4000) }) },
  responses: {
    200: { description: 'the object’s bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    400: errorResponse('the token is longer than any link this API makes (4000 characters)'),
    403: errorResponse('the link is not valid or has expired'),
    404: errorResponse('the object is gone, or storage is not the filesystem'),
    ...headersTooLarge,
  },
});
