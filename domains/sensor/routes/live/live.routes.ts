// A device's live predictions: GET /v1/devices/{deviceId}/live as Server-Sent Events (resume with
// Last-Event-ID), and GET /v1/devices/{deviceId}/predictions?since= for polling clients. A device
// key reads only its own device; reader and admin keys read any.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, readErrors } from '../../../../api/openapi.ts';
import { LivePrediction } from '../../live/prediction.ts';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id of letters, digits, ".", "_", ":" or "-"');
/** An event id as a header or query string carries it: digits. */
const EventId = z
  .string()
  .regex(/^\d{1,15}$/, 'must be an event id (a whole number)')
  .transform(Number);
const params = z.object({ deviceId: Id.openapi({ param: { name: 'deviceId', in: 'path' }, example: 'wrist-01' }) });
const tags = ['live'];

export const LIVE_MAX_SECONDS = 3600;

export const live = createRoute({
  method: 'get',
  path: '/{deviceId}/live',
  tags,
  summary: "A device's live predictions as Server-Sent Events",
  description:
    'Each event is `event: prediction`, `id: <eventId>`, `data: <LivePrediction JSON>`, in event-id order, as the device’s windows are classified while it posts. ' +
    'Without Last-Event-ID the stream starts with the next prediction; with it (EventSource sends it on reconnect), it first replays everything after that id, so a reconnect loses nothing. ' +
    'A comment line every 15 s keeps proxies from closing an idle stream; the server ends the stream after maxSeconds (the client reconnects with Last-Event-ID).',
  security: keyed,
  middleware: [requireRole('device', 'reader')] as const,
  request: {
    params,
    headers: z.object({ 'last-event-id': EventId.optional().openapi({ description: 'resume after this event id' }) }),
    query: z
      .object({
        maxSeconds: z.coerce
          .number({ error: 'must be a number of seconds' })
          .int('must be whole seconds')
          .min(1, 'must be at least 1')
          .max(LIVE_MAX_SECONDS, `must be at most ${LIVE_MAX_SECONDS}`)
          .default(300)
          .openapi({ description: 'end the stream after this many seconds (default 300)' }),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'an event stream of LivePrediction objects',
      content: {
        'text/event-stream': { schema: z.string().openapi({ example: 'event: prediction\nid: 42\ndata: {"eventId":42,"predicted":"squat",…}\n\n' }) },
      },
    },
    ...readErrors,
  },
});

export const predictions = createRoute({
  method: 'get',
  path: '/{deviceId}/predictions',
  tags,
  summary: "A device's live predictions after an event id (for polling clients)",
  description: 'With `since`, the predictions after that event id, oldest first; without it, the newest `limit`. Pass `lastEventId` back as `since` next time.',
  security: keyed,
  middleware: [requireRole('device', 'reader')] as const,
  request: {
    params,
    query: z
      .object({
        since: EventId.optional().openapi({ description: 'the last event id the client has' }),
        limit: z.coerce
          .number({ error: 'must be a number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(1000, 'must be at most 1000')
          .default(100),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(
      z
        .object({
          deviceId: z.string(),
          items: z.array(LivePrediction),
          lastEventId: z.number().int().openapi({ description: 'the newest event id returned, or `since` (0 without it) when nothing was' }),
        })
        .openapi('LivePredictionPage'),
      'predictions, oldest first',
    ),
    ...readErrors,
  },
});
