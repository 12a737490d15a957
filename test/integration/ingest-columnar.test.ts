// The columnar readings body against a real PostgreSQL: it lands exactly what the same batch as JSON
// lands, flat or nested (both read straight into columns) or parsed by the schema (−0, decimals float4
// keeps and values it would not), shares the JSON form's exactly-once batch
// ids and its rules word for word, and a malformed body is refused with the field named and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { COLUMNAR_MEDIA_TYPE, encodeColumnarBatch, type ColumnarBatchInput } from '../../lib/imu/columnar-batch.ts';
import { CHANNELS, type Reading } from '../../lib/imu/reading.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
const keys: Record<string, string> = {};

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  const log = createLogger('silent', 'ingest-columnar-test');
  app = createApp({ readPool: stack.pools.api, ingestPool: stack.pools.ingest, log, ready: { postgres: async () => {}, temporal: async () => {} } });
  for (const d of ['col-1', 'col-2', 'col-3']) keys[d] = (await createApiKey(stack.pools.owner, { name: d, role: 'device', deviceId: d })).token;
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
});
afterAll(() => stack?.close());

const T0 = Date.UTC(2026, 10, 20, 23, 59, 59, 900); // the batch crosses midnight

/** Readings with the values that test storage: −0, short decimals (real[]) and a long one (float8[]). */
function readingsWith(n: number, long: boolean): Reading[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: T0 + i * 20,
    ax: i === 0 ? -0 : 0.1 * (i % 7),
    ay: -0.2,
    az: 9.8066,
    gx: long && i === 3 ? 1 / 3 : 0.01,
    gy: -0,
    gz: 0.5,
    mx: 20,
    my: -4.25,
    mz: 39.75,
  }));
}

/** A flat reading in the nested form (ESP32 firmware's). */
const nestedReading = (r: Reading) => ({
  timestamp: r.timestamp,
  accelerometer: { x: r.ax, y: r.ay, z: r.az },
  gyroscope: { x: r.gx, y: r.gy, z: r.gz },
  magnetometer: { x: r.mx, y: r.my, z: r.mz },
});

function columnsOf(batch: { deviceId: string; batchId: string; sessionId?: string; readings: Reading[] }, extra: Partial<ColumnarBatchInput> = {}) {
  return encodeColumnarBatch({
    deviceId: batch.deviceId,
    batchId: batch.batchId,
    ...(batch.sessionId ? { sessionId: batch.sessionId } : {}),
    timing: { timestamps: batch.readings.map((r) => r.timestamp) },
    channels: CHANNELS.map((c) => batch.readings.map((r) => r[c]!)),
    ...extra,
  });
}

function post(body: Uint8Array | string, key: string | undefined, type = COLUMNAR_MEDIA_TYPE) {
  return app.request('/v1/ingest/readings', {
    method: 'POST',
    headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
}

/** A batch as JSON text, −0 written "-0" (JSON.stringify writes it "0"; JSON.parse reads "-0" back as −0). */
const jsonText = (batch: unknown) => JSON.stringify(batch, (_, v) => (Object.is(v, -0) ? 'NEG_ZERO' : v)).replaceAll('"NEG_ZERO"', '-0');

// Response bodies are checked field by field.
const json = (res: Response): Promise<any> => res.json();

/** A batch's readings as bronze returns them, every value as PostgreSQL prints it (so −0 stays −0). */
async function landed(batchId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT ts, session_id, ${CHANNELS.map((c) => `${c}::text AS ${c}`).join(', ')} FROM bronze.imu_readings WHERE batch_id = $1 ORDER BY ts`,
    [batchId],
  );
  return rows;
}

async function written(deviceId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT (SELECT count(*)::int FROM bronze.imu_segments WHERE device_id = $1) AS segments, (SELECT count(*)::int FROM bronze.ingest_batches WHERE device_id = $1) AS batches`,
    [deviceId],
  );
  return rows[0];
}

describe('POST /v1/ingest/readings with the columnar body', () => {
  for (const long of [false, true]) {
    it(`lands the same rows as the same batch in JSON (${long ? 'a value float4 would change: float8[]' : 'short decimals: real[]'}), −0 included`, async () => {
      const readings = readingsWith(50, long);
      const json1 = { deviceId: 'col-1', batchId: `json-${long}`, sessionId: 's-1', readings };
      const asJson = await post(jsonText(json1), keys['col-1'], 'application/json');
      expect(asJson.status).toBe(201);
      const nested = { ...json1, batchId: `nested-${long}`, readings: readings.map(nestedReading) };
      expect((await post(jsonText(nested), keys['col-1'], 'application/json')).status).toBe(201);
      // An escape in an id: the API does not read this body into columns, but parses it (JSON.parse and the schema).
      const escaped = jsonText({ ...json1, batchId: `parsed-${long}` }).replace('"s-1"', '"s\\u002d1"');
      expect(escaped).toContain('s\\u002d1');
      expect((await post(escaped, keys['col-1'], 'application/json')).status).toBe(201);
      const res = await post(columnsOf({ ...json1, batchId: `cols-${long}` }), keys['col-1']);
      expect(res.status).toBe(201);
      expect(await json(res)).toMatchObject({ status: 'stored', deviceId: 'col-1', batchId: `cols-${long}`, items: 50 });
      const fromColumns = await landed(`cols-${long}`);
      expect(fromColumns).toHaveLength(50);
      expect(fromColumns).toEqual(await landed(`json-${long}`));
      expect(fromColumns).toEqual(await landed(`nested-${long}`));
      expect(fromColumns).toEqual(await landed(`parsed-${long}`));
      expect(fromColumns[0]).toMatchObject({ ts: new Date(T0), session_id: 's-1', ax: '-0', gy: '-0', az: '9.8066', my: '-4.25' });
      if (long) expect(fromColumns[3].gx).toBe(String(1 / 3));
      // Across midnight: a segment on each day.
      const { rows } = await stack.pools.owner.query(`SELECT day::text FROM bronze.imu_segments WHERE batch_id = $1 ORDER BY day`, [`cols-${long}`]);
      expect(rows.map((r) => r.day)).toEqual(['2026-11-20', '2026-11-21']);
    });
  }

  it('lands six channels with start + interval timing and applies a declared clock offset', async () => {
    const n = 10;
    const body = encodeColumnarBatch({
      deviceId: 'col-2',
      batchId: 'six',
      clockOffsetMs: 3_600_000,
      timing: { start: T0 - 3_600_000 - 1_000, interval: 20, count: n },
      channels: Array.from({ length: 6 }, (_, c) => Array.from({ length: n }, (_, i) => c + i / 4)),
    });
    const res = await post(body, keys['col-2']);
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ clockOffsetMs: 3_600_000, items: n });
    const rows = await landed('six');
    expect(rows.map((r) => r.ts.getTime())).toEqual(Array.from({ length: n }, (_, i) => T0 - 1_000 + 20 * i));
    expect(rows[9]).toMatchObject({ ax: '2.25', gz: '7.25', mx: null, session_id: null });
  });

  it('acknowledges a retried batch as a duplicate, in either form, and stores it once', async () => {
    const batch = { deviceId: 'col-2', batchId: 'retry', readings: readingsWith(20, false) };
    const first = await post(columnsOf(batch), keys['col-2']);
    expect(first.status).toBe(201);
    const again = await post(columnsOf(batch), keys['col-2']);
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('duplicate');
    const asJson = await post(jsonText(batch), keys['col-2'], 'application/json');
    expect(asJson.status).toBe(200);
    expect(await landed('retry')).toHaveLength(20);
    // Two retries in flight at once: one stored, one duplicate.
    const racing = await Promise.all([
      post(columnsOf({ ...batch, batchId: 'race' }), keys['col-2']),
      post(columnsOf({ ...batch, batchId: 'race' }), keys['col-2']),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(await landed('race')).toHaveLength(20);
  });

  // Each bad value, sent as columns and as JSON, is refused with the same field and reason.
  const values: [string, (r: Reading[]) => void, string | null, string, string][] = [
    ['NaN', (r) => (r[2]!.ay = Number.NaN), null, 'readings[2].ay', 'must be a finite number'],
    ['+Infinity', (r) => (r[1]!.gz = Infinity), '"gz":1e999', 'readings[1].gz', 'must be a finite number'],
    ['−Infinity', (r) => (r[0]!.mx = -Infinity), '"mx":-1e999', 'readings[0].mx', 'must be a finite number'],
    ['a value out of physical range', (r) => (r[4]!.ax = 500), null, 'readings[4].ax', 'out of physical range (-156.9 to 156.9 m/s²)'],
    // The JSON form's words for a fractional one come from its timestamp union (a number or an ISO string).
    ['a fractional timestamp', (r) => (r[3]!.timestamp += 0.5), null, 'readings[3].timestamp', 'must be epoch milliseconds or an ISO-8601 date-time'],
    ['a negative timestamp', (r) => (r[0]!.timestamp = -20), null, 'readings[0].timestamp', 'must not be negative'],
  ];
  for (const [what, spoil, jsonForm, field, reason] of values) {
    it(`refuses ${what} with 400 naming ${field}, as JSON does, and writes nothing`, async () => {
      const readings = readingsWith(8, false);
      spoil(readings);
      const batch = { deviceId: 'col-3', batchId: `bad-${what.replace(/\W/g, '')}`, readings };
      const res = await post(columnsOf(batch), keys['col-3']);
      expect(res.status).toBe(400);
      const details = (await json(res)).error.details;
      expect(details).toEqual([{ field, reason }]);
      if (what !== 'NaN') {
        // JSON has no NaN; ±Infinity is written 1e999, which parses to it.
        let text = jsonText(batch);
        if (jsonForm) text = text.replace(jsonForm.startsWith('"mx"') ? '"mx":null' : '"gz":null', jsonForm);
        const asJson = await post(text, keys['col-3'], 'application/json');
        expect(asJson.status).toBe(400);
        expect((await json(asJson)).error.details).toEqual(details);
      }
      expect(await written('col-3')).toEqual({ segments: 0, batches: 0 });
    });
  }

  it('refuses a bad id, no readings and too many readings with the JSON form’s words', async () => {
    const some = readingsWith(3, false);
    const badId = await post(columnsOf({ deviceId: 'col-3', batchId: 'has spaces', readings: some }), keys['col-3']);
    expect(badId.status).toBe(400);
    expect((await json(badId)).error.details).toEqual([
      { field: 'batchId', reason: 'batchId must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit' },
    ]);
    const none = await post(columnsOf({ deviceId: 'col-3', batchId: 'none', readings: [] }), keys['col-3']);
    expect((await json(none)).error.details).toEqual([{ field: 'readings', reason: 'must hold at least one reading' }]);
    const many = await post(columnsOf({ deviceId: 'col-3', batchId: 'many', readings: readingsWith(5001, false) }), keys['col-3']);
    expect((await json(many)).error.details).toEqual([{ field: 'readings', reason: 'must hold at most 5000 readings' }]);
    expect(await written('col-3')).toEqual({ segments: 0, batches: 0 });
  });

  it('refuses a malformed body with 400 naming the header field, a batch ahead of the clock with 422, and writes nothing', async () => {
    const body = columnsOf({ deviceId: 'col-3', batchId: 'cut', readings: readingsWith(8, false) });
    const cut = await post(body.subarray(0, body.length - 5), keys['col-3']);
    expect(cut.status).toBe(400);
    const error = (await json(cut)).error;
    expect(error.message).toMatch(/columnar body is malformed/);
    expect(error.details).toEqual([
      { field: 'body', reason: expect.stringMatching(/^is \d+ bytes; a header for 8 readings × 10 columns .* needs exactly \d+$/) },
    ]);
    const json1 = await post(new TextEncoder().encode('{"deviceId":"col-3"}'), keys['col-3']);
    expect((await json(json1)).error.details).toEqual([{ field: 'header', reason: 'is 40 bytes; the body has 20' }]);
    const ahead = readingsWith(4, false).map((r, i) => ({ ...r, timestamp: Date.now() + 3_600_000 + i }));
    const late = await post(columnsOf({ deviceId: 'col-3', batchId: 'ahead', readings: ahead }), keys['col-3']);
    expect(late.status).toBe(422);
    expect((await json(late)).error).toMatchObject({ code: 'clock_ahead', details: [{ field: 'readings[3].timestamp' }] });
    expect(await written('col-3')).toEqual({ segments: 0, batches: 0 });
  });

  it('asks for the same key as JSON: 401 without one, 403 for a reader or another device', async () => {
    const body = columnsOf({ deviceId: 'col-1', batchId: 'auth', readings: readingsWith(3, false) });
    expect((await post(body, undefined)).status).toBe(401);
    expect((await post(body, keys.reader)).status).toBe(403);
    const other = await post(body, keys['col-2']);
    expect(other.status).toBe(403);
    expect((await json(other)).error.details).toEqual([{ field: 'deviceId', reason: "is not this key's device (col-2)" }]);
    expect(await landed('auth')).toHaveLength(0);
    const text = await post('ax=1', keys['col-1'], 'text/plain');
    expect(text.status).toBe(415);
    expect((await json(text)).error.message).toContain(COLUMNAR_MEDIA_TYPE);
  });
});
