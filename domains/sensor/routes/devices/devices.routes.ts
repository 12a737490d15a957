// Sensor analytics for frontends: devices, a device's daily activity over a date range, its
// sessions, and one session's summary with the model's prediction for each window.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { Freshness } from '../../../../api/freshness.ts';
import { jsonContent, keyed, notFound, notModified, readErrors, Timestamp } from '../../../../api/openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../../../api/pagination.ts';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id of letters, digits, ".", "_", ":" or "-"');
const Day = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });

const Device = z
  .object({
    deviceId: z.string(),
    firstDay: z.string(),
    lastDay: z.string(),
    days: z.number().int(),
    readings: z.number().int(),
    sessions: z.number().int(),
    activeMinutes: z.number(),
  })
  .openapi('Device');
const DailyActivity = z
  .object({
    day: z.string(),
    readings: z.number().int(),
    windows: z.number().int(),
    sessions: z.number().int(),
    activeMinutes: z.number(),
    minutesByExercise: z.record(z.string(), z.number()),
    topExercise: z.string().nullable(),
  })
  .openapi('DailyActivity');
const SessionSummary = z
  .object({
    sessionId: z.string(),
    deviceId: z.string(),
    day: z.string(),
    startedAt: Timestamp,
    endedAt: Timestamp,
    durationS: z.number(),
    windows: z.number().int(),
    predictedExercise: z.string(),
    confidence: z.number(),
    label: z.string().nullable(),
    agrees: z.boolean().nullable(),
    modelVersionId: z.number().int(),
  })
  .openapi('SessionSummary');
const WindowPrediction = z.object({
  windowIndex: z.number().int(),
  startTs: Timestamp,
  endTs: Timestamp,
  predicted: z.string(),
  probability: z.number(),
  probabilities: z.record(z.string(), z.number()),
});
const SessionDetail = SessionSummary.extend({ windowPredictions: z.array(WindowPrediction), freshness: Freshness }).openapi('SessionDetail');
const withFreshness = <T extends z.ZodRawShape>(schema: z.ZodObject<T>) => schema.extend({ freshness: Freshness });

/** Devices are listed by id; a device's sessions newest first by (startedAt, sessionId). */
export const deviceCursor = cursorOf(cursorParts.text);
export const sessionCursor = cursorOf(cursorParts.time, cursorParts.text);

const tags = ['sensor'];
const readers = requireRole('reader');

/**
 * Partitions a device listing's freshness names. A page of devices spans their first to last day;
 * its freshness is judged over every day of gold in that span (a late day there may change who is
 * listed), names the stale ones and then the newest, and counts the rest in `omitted`, so the answer
 * stays the same size however long the history.
 */
export const LISTING_FRESHNESS_PARTITIONS = 7;

export const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Devices seen in gold, with their totals',
  description: `A page of devices with their totals over every day in gold. The freshness is judged over every day of gold from the page's first day to its last (a late day there may change who is listed); it names the stale ones first, then the newest, ${LISTING_FRESHNESS_PARTITIONS} at most, and counts the rest in \`omitted\`.`,
  security: keyed,
  middleware: [readers] as const,
  request: { query: z.object({ ...pageQuery(deviceCursor) }).strict() },
  responses: { 200: jsonContent(withFreshness(pageSchema(Device)), 'a page of devices'), ...notModified, ...readErrors },
});

export const activity = createRoute({
  method: 'get',
  path: '/{deviceId}/activity',
  tags,
  summary: "A device's daily activity over a date range (from after to gives no days)",
  security: keyed,
  middleware: [readers] as const,
  request: {
    params: z.object({ deviceId: Id }),
    // No range cap: the answer holds one row per day the device has data, whatever the range.
    query: z.object({ from: Day, to: Day }).strict(),
  },
  responses: {
    200: jsonContent(z.object({ deviceId: z.string(), days: z.array(DailyActivity), freshness: Freshness }), 'one row per day with data'),
    ...notModified,
    ...readErrors,
  },
});

export const sessions = createRoute({
  method: 'get',
  path: '/{deviceId}/sessions',
  tags,
  summary: "A device's sessions, newest first",
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ deviceId: Id }), query: z.object({ ...pageQuery(sessionCursor) }).strict() },
  responses: { 200: jsonContent(withFreshness(pageSchema(SessionSummary)), 'a page of sessions'), ...notModified, ...readErrors },
});

export const session = createRoute({
  method: 'get',
  path: '/{deviceId}/sessions/{sessionId}',
  tags,
  summary: "A session's summary with the prediction for each window",
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ deviceId: Id, sessionId: Id }) },
  responses: { 200: jsonContent(SessionDetail, 'the session'), ...notModified, ...readErrors, ...notFound },
});
