// GET /v1/time: the server clock, for devices measuring their clock offset (NTP-style: offset ≈
// serverTime − (sent + received) / 2 on the device's clock), then declaring it as clockOffsetMs.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, readErrors } from '../../../../api/openapi.ts';

export const ServerTime = z
  .object({
    serverTime: z.number().int().openapi({ description: 'epoch milliseconds', example: 1764000000000 }),
    iso: z.string().openapi({ format: 'date-time', example: '2025-11-24T16:00:00.000Z' }),
  })
  .openapi('ServerTime');

export const time = createRoute({
  method: 'get',
  path: '/',
  tags: ['ingest'],
  summary: 'The server clock, for devices to measure their clock offset',
  description:
    'A device sends at t0 and receives at t1 (its clock); its offset is about serverTime − (t0 + t1) / 2. A batch declares it as clockOffsetMs; every ingest acknowledgement carries serverTime too.',
  security: keyed,
  middleware: [requireRole('device', 'reader')] as const,
  request: { query: z.object({}).strict() },
  responses: { 200: jsonContent(ServerTime, 'the server clock now'), ...readErrors },
});
