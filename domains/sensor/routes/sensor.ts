// Sensor analytics for frontends: devices, a device's daily activity over a date range, its
// sessions, and one session's summary with the model's prediction for each window.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type KeyStore } from '../../../api/auth.ts';
import { ApiError, notFoundError, readErrors } from '../../../api/errors.ts';
import { decodeCursor, pageOf, pageQuery, pageSchema } from '../../../api/pagination.ts';
import type { AppDeps, AppEnv } from '../../../api/types.ts';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id of letters, digits, ".", "_", ":" or "-"');
const Day = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });
const Timestamp = z.string().openapi({ format: 'date-time' });

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
const SessionDetail = SessionSummary.extend({ windowPredictions: z.array(WindowPrediction) }).openapi('SessionDetail');

const errors = readErrors;
const notFound = notFoundError;

const day = (d: Date) => d.toISOString().slice(0, 10);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function sessionJson(r: Record<string, any>) {
  return {
    sessionId: r.session_id,
    deviceId: r.device_id,
    day: day(r.partition_date),
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at.toISOString(),
    durationS: r.duration_s,
    windows: r.windows,
    predictedExercise: r.predicted_exercise,
    confidence: r.confidence,
    label: r.label,
    agrees: r.agrees,
    modelVersionId: r.model_version_id,
  };
}

export function sensorRoutes(deps: AppDeps, keys: KeyStore) {
  const readers = requireRole(keys, 'reader');
  const security = [{ apiKey: [] }];
  const listDevices = createRoute({
    method: 'get',
    path: '/v1/devices',
    tags: ['sensor'],
    summary: 'Devices seen in gold, with their totals',
    security,
    middleware: [readers] as const,
    request: { query: z.object({ ...pageQuery }).strict() },
    responses: { 200: { description: 'a page of devices', content: { 'application/json': { schema: pageSchema(Device) } } }, ...errors },
  });
  const activity = createRoute({
    method: 'get',
    path: '/v1/devices/{deviceId}/activity',
    tags: ['sensor'],
    summary: "A device's daily activity over a date range (at most 366 days)",
    security,
    middleware: [readers] as const,
    request: {
      params: z.object({ deviceId: Id }),
      query: z
        .object({ from: Day, to: Day })
        .strict()
        .refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] })
        .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 365 * 86_400_000, { message: 'the range must be at most 366 days', path: ['to'] }),
    },
    responses: {
      200: {
        description: 'one row per day with data',
        content: { 'application/json': { schema: z.object({ deviceId: z.string(), days: z.array(DailyActivity) }) } },
      },
      ...errors,
    },
  });
  const sessions = createRoute({
    method: 'get',
    path: '/v1/devices/{deviceId}/sessions',
    tags: ['sensor'],
    summary: "A device's sessions, newest first",
    security,
    middleware: [readers] as const,
    request: { params: z.object({ deviceId: Id }), query: z.object({ ...pageQuery }).strict() },
    responses: { 200: { description: 'a page of sessions', content: { 'application/json': { schema: pageSchema(SessionSummary) } } }, ...errors },
  });
  const session = createRoute({
    method: 'get',
    path: '/v1/devices/{deviceId}/sessions/{sessionId}',
    tags: ['sensor'],
    summary: "A session's summary with the prediction for each window",
    security,
    middleware: [readers] as const,
    request: { params: z.object({ deviceId: Id, sessionId: Id }) },
    responses: { 200: { description: 'the session', content: { 'application/json': { schema: SessionDetail } } }, ...errors, ...notFound },
  });

  return new OpenAPIHono<AppEnv>()
    .openapi(listDevices, async (c) => {
      const q = c.req.valid('query');
      const key = decodeCursor(q.cursor, ['string']);
      const { rows } = await deps.readPool.query(
        `SELECT device_id, min(partition_date) AS first_day, max(partition_date) AS last_day, count(*)::int AS days,
                sum(readings)::bigint AS readings, sum(sessions)::int AS sessions, sum(active_minutes) AS active_minutes
           FROM gold.device_daily_activity WHERE ($1::text IS NULL OR device_id > $1)
          GROUP BY device_id ORDER BY device_id LIMIT $2`,
        [key?.[0] ?? null, q.limit + 1],
      );
      const page = pageOf(rows, q.limit, (r) => [r.device_id]);
      return c.json(
        {
          items: page.items.map((r) => ({
            deviceId: r.device_id,
            firstDay: day(r.first_day),
            lastDay: day(r.last_day),
            days: r.days,
            readings: r.readings,
            sessions: r.sessions,
            activeMinutes: r.active_minutes,
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    })
    .openapi(activity, async (c) => {
      const { deviceId } = c.req.valid('param');
      const { from, to } = c.req.valid('query');
      const { rows } = await deps.readPool.query(
        `SELECT * FROM gold.device_daily_activity WHERE device_id = $1 AND partition_date BETWEEN $2 AND $3 ORDER BY partition_date`,
        [deviceId, from, to],
      );
      return c.json(
        {
          deviceId,
          days: rows.map((r) => ({
            day: day(r.partition_date),
            readings: r.readings,
            windows: r.windows,
            sessions: r.sessions,
            activeMinutes: r.active_minutes,
            minutesByExercise: r.minutes_by_exercise,
            topExercise: r.top_exercise,
          })),
        },
        200,
      );
    })
    .openapi(sessions, async (c) => {
      const { deviceId } = c.req.valid('param');
      const q = c.req.valid('query');
      const key = decodeCursor(q.cursor, ['string', 'string']);
      const { rows } = await deps.readPool.query(
        `SELECT * FROM gold.session_summaries WHERE device_id = $1 AND ($2::timestamptz IS NULL OR (started_at, session_id) < ($2, $3))
          ORDER BY started_at DESC, session_id DESC LIMIT $4`,
        [deviceId, key?.[0] ?? null, key?.[1] ?? null, q.limit + 1],
      );
      const page = pageOf(rows, q.limit, (r) => [r.started_at.toISOString(), r.session_id]);
      return c.json({ items: page.items.map(sessionJson), nextCursor: page.nextCursor }, 200);
    })
    .openapi(session, async (c) => {
      const { deviceId, sessionId } = c.req.valid('param');
      const { rows } = await deps.readPool.query(
        `SELECT * FROM gold.session_summaries WHERE device_id = $1 AND session_id = $2 ORDER BY partition_date DESC LIMIT 1`,
        [deviceId, sessionId],
      );
      if (!rows[0]) throw new ApiError(404, `no session ${sessionId} for device ${deviceId}`);
      const windows = await deps.readPool.query(
        `SELECT window_index, start_ts, end_ts, predicted, probability, probabilities FROM gold.window_predictions
          WHERE device_id = $1 AND session_id = $2 AND partition_date = $3 ORDER BY window_index`,
        [deviceId, sessionId, rows[0].partition_date],
      );
      return c.json(
        {
          ...sessionJson(rows[0]),
          windowPredictions: windows.rows.map((w) => ({
            windowIndex: w.window_index,
            startTs: w.start_ts.toISOString(),
            endTs: w.end_ts.toISOString(),
            predicted: w.predicted,
            probability: w.probability,
            probabilities: w.probabilities,
          })),
        },
        200,
      );
    });
}
