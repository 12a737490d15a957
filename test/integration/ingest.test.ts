// Device ingest through app.request() against a real PostgreSQL: validation names the field and
// the reason, a bad batch leaves no rows, duplicates are acknowledged and not stored twice, and
// concurrent devices share COPY transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createPool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { freePort } from '../../cli/stack/ports.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
const keys: Record<string, string> = {};
const log = createLogger('silent', 'ingest-test');

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = createApp({ readPool: stack.pools.api, ingestPool: stack.pools.ingest, log, ready: { postgres: async () => {}, temporal: async () => {} } });
  for (let d = 0; d < 32; d++) keys[`dev-${d}`] = (await createApiKey(stack.pools.owner, { name: `device ${d}`, role: 'device', deviceId: `dev-${d}` })).token;
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
  keys.admin = (await createApiKey(stack.pools.owner, { name: 'admin', role: 'admin' })).token;
});
afterAll(() => stack?.close());

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

function readings(n: number, start = T0) {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: start + i * 20,
    ax: 0.1 * (i % 7),
    ay: -0.2,
    az: 9.81,
    gx: 0.01,
    gy: -0.02,
    gz: 0.5,
    mx: 20,
    my: -5,
    mz: 40,
  }));
}

function post(path: string, body: unknown, key?: string, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// Response bodies are checked field by field.
const json = (res: Response): Promise<any> => res.json();

async function count(where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM bronze.imu_readings WHERE ${where}`, params);
  return rows[0].n;
}

describe('POST /v1/ingest/readings', () => {
  it('stores a batch once it is committed, and acknowledges a repeat as a duplicate without storing it again', async () => {
    const batch = { deviceId: 'dev-0', batchId: 'b-1', sessionId: 's-1', readings: readings(500) };
    const first = await post('/v1/ingest/readings', batch, keys['dev-0']);
    expect(first.status).toBe(201);
    const ack = await json(first);
    expect(ack).toMatchObject({ status: 'stored', deviceId: 'dev-0', batchId: 'b-1', items: 500 });
    expect(Math.abs(ack.serverTime - Date.now())).toBeLessThan(5_000);
    expect(await count("batch_id = 'b-1'")).toBe(500);
    const again = await post('/v1/ingest/readings', batch, keys['dev-0']);
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('duplicate');
    expect(await count("batch_id = 'b-1'")).toBe(500);
    const { rows } = await stack.pools.owner.query(`SELECT ts, ax, az, mx, session_id FROM bronze.imu_readings WHERE batch_id = 'b-1' ORDER BY ts LIMIT 2`);
    expect(rows).toEqual([
      { ts: new Date(T0), ax: 0, az: 9.81, mx: 20, session_id: 's-1' },
      { ts: new Date(T0 + 20), ax: 0.1, az: 9.81, mx: 20, session_id: 's-1' },
    ]);
  });

  it('accepts ISO timestamps and readings without a magnetometer', async () => {
    const r = { timestamp: '2026-11-20T09:00:00.000+01:00', ax: 1, ay: 2, az: 3, gx: 0, gy: 0, gz: 0 };
    const res = await post('/v1/ingest/readings', { deviceId: 'dev-1', batchId: 'iso', readings: [r] }, keys['dev-1']);
    expect(res.status).toBe(201);
    const { rows } = await stack.pools.owner.query(`SELECT ts, mx FROM bronze.imu_readings WHERE batch_id = 'iso'`);
    expect(rows).toEqual([{ ts: new Date('2026-11-20T08:00:00Z'), mx: null }]);
  });

  const invalid: [string, (b: any) => void, string, string][] = [
    ['a missing field', (b) => delete b.readings[3].ax, 'readings[3].ax', 'required'],
    ['infinity', (b) => (b.readings[1].gy = 'INF'), 'readings[1].gy', 'must be a number'],
    ['a value out of physical range', (b) => (b.readings[2].ax = 500), 'readings[2].ax', 'out of physical range (-156.9 to 156.9 m/s²)'],
    ['a gyroscope beyond 2000 °/s', (b) => (b.readings[0].gz = -40), 'readings[0].gz', 'out of physical range (-34.9 to 34.9 rad/s)'],
    ['a bad timestamp string', (b) => (b.readings[0].timestamp = 'yesterday'), 'readings[0].timestamp', 'must be ISO-8601 with a time zone'],
    ['a timestamp of the wrong type', (b) => (b.readings[0].timestamp = true), 'readings[0].timestamp', 'must be epoch milliseconds or an ISO-8601 date-time'],
    ['an unknown field', (b) => (b.readings[0].temperature = 21), 'readings[0].temperature', 'is not a known field'],
    ['no readings', (b) => (b.readings = []), 'readings', 'must hold at least one reading'],
    [
      'a bad batch id',
      (b) => (b.batchId = 'has spaces'),
      'batchId',
      'batchId must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    ],
  ];
  for (const [what, mutate, field, reason] of invalid) {
    it(`refuses ${what} with 400 naming ${field}, and stores nothing of the batch`, async () => {
      const batch: any = { deviceId: 'dev-2', batchId: `bad-${field.replace(/[^A-Za-z0-9._:-]/g, '_')}-${reason.length}`, readings: readings(10) };
      mutate(batch);
      const res = await post('/v1/ingest/readings', batch, keys['dev-2']);
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.details).toContainEqual({ field, reason });
      expect(await count(`device_id = 'dev-2'`)).toBe(0);
    });
  }

  // The schema lets these through (it cannot state a moving clock limit or an ISO string's instant),
  // so the document declares 422 for them.
  const againstRules: [string, (b: any) => void, string, string | RegExp][] = [
    [
      'a timestamp far in the future',
      (b) => (b.readings[4].timestamp = Date.now() + 3_600_000),
      'readings[4].timestamp',
      /^is \d+ ms ahead of the server clock$/,
    ],
    [
      'an ISO timestamp far in the future',
      (b) => (b.readings[2].timestamp = new Date(Date.now() + 3_600_000).toISOString()),
      'readings[2].timestamp',
      /^is \d+ ms ahead of the server clock$/,
    ],
    [
      'an ISO timestamp before 2000',
      (b) => (b.readings[1].timestamp = '1999-12-31T23:30:00-00:20'),
      'readings[1].timestamp',
      'is before 2000-01-01 on the server clock',
    ],
    [
      'a timestamp before 2000 (epoch 0, no clockOffsetMs)',
      (b) => (b.readings[0].timestamp = 0),
      'readings[0].timestamp',
      'is before 2000-01-01 on the server clock',
    ],
  ];
  for (const [what, mutate, field, reason] of againstRules) {
    it(`refuses ${what} with 422 naming ${field}, and stores nothing of the batch`, async () => {
      const batch: any = { deviceId: 'dev-2', batchId: `rule-${what.replace(/\W/g, '-')}`, readings: readings(10) };
      mutate(batch);
      const res = await post('/v1/ingest/readings', batch, keys['dev-2']);
      expect(res.status).toBe(422);
      const body = await json(res);
      // A batch ahead of the clock is told how far, so firmware can correct (clock_ahead).
      expect(body.error.code).toBe(typeof reason === 'string' ? 'unprocessable' : 'clock_ahead');
      expect(body.error.details).toEqual([{ field, reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) }]);
      expect(await count(`device_id = 'dev-2'`)).toBe(0);
    });
  }

  it('refuses Infinity written as a huge number (JSON has no Infinity, but 1e999 parses to it)', async () => {
    const body = JSON.stringify({ deviceId: 'dev-2', batchId: 'inf', readings: readings(2) }).replace('"ax":0,', '"ax":1e999,');
    const res = await post('/v1/ingest/readings', body, keys['dev-2']);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details[0]).toEqual({ field: 'readings[0].ax', reason: 'must be a finite number' });
  });

  it('refuses a batch for another device with 403, and readers and anonymous callers', async () => {
    const batch = { deviceId: 'dev-4', batchId: 'x', readings: readings(3) };
    const other = await post('/v1/ingest/readings', batch, keys['dev-3']);
    expect(other.status).toBe(403);
    expect((await json(other)).error.details).toEqual([{ field: 'deviceId', reason: "is not this key's device (dev-3)" }]);
    expect((await post('/v1/ingest/readings', batch, keys.reader)).status).toBe(403);
    expect((await post('/v1/ingest/readings', batch)).status).toBe(401);
    expect((await post('/v1/ingest/readings', batch, keys.admin)).status).toBe(201);
    expect(await count(`device_id = 'dev-4'`)).toBe(3);
  });

  it('answers 413 for an oversized body, 415 for non-JSON and 400 for malformed JSON', async () => {
    const huge = JSON.stringify({ deviceId: 'dev-5', batchId: 'huge', readings: readings(12_000) });
    expect((await post('/v1/ingest/readings', huge, keys['dev-5'])).status).toBe(413);
    // Declared (Content-Length, judged without reading the body) as well as streamed.
    const declared = await post('/v1/ingest/readings', huge, keys['dev-5'], { 'content-length': String(Buffer.byteLength(huge)) });
    expect(declared.status).toBe(413);
    expect((await json(declared)).error.message).toContain('larger than');
    const text = await post('/v1/ingest/readings', 'ax=1', keys['dev-5'], { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await post('/v1/ingest/readings', '{"deviceId": "dev-5", "readings": [', keys['dev-5']);
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('bad_request');
    expect(await count(`device_id = 'dev-5'`)).toBe(0);
  });

  it('coalesces 32 concurrent devices into shared transactions and stores every batch exactly once', async () => {
    const before = { ...app.ingest.stats };
    const posts = [];
    for (let d = 0; d < 32; d++) {
      for (let b = 0; b < 4; b++) {
        posts.push(post('/v1/ingest/readings', { deviceId: `dev-${d}`, batchId: `c-${b}`, readings: readings(250, T0 + b * 10_000) }, keys[`dev-${d}`]));
      }
    }
    const statuses = await Promise.all(posts.map(async (p) => (await p).status));
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(await count(`batch_id LIKE 'c-%'`)).toBe(32 * 4 * 250);
    const flushes = app.ingest.stats.flushes - before.flushes;
    expect(flushes).toBeLessThan(128);
    expect(app.ingest.stats.batches - before.batches).toBe(128);
  });

  it('stores one copy when the same batch arrives many times at once', async () => {
    const batch = { deviceId: 'dev-6', batchId: 'same', readings: readings(100) };
    const results = await Promise.all(Array.from({ length: 8 }, async () => json(await post('/v1/ingest/readings', batch, keys['dev-6']))));
    expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(7);
    expect(await count(`device_id = 'dev-6' AND batch_id = 'same'`)).toBe(100);
  });

  it('answers 503, with nothing stored, when the database is unreachable', async () => {
    const dead = createPool(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`, { applicationName: 'dead', connectionTimeoutMs: 500 });
    const broken = createApp({ readPool: stack.pools.api, ingestPool: dead, log, ready: { postgres: async () => {}, temporal: async () => {} } });
    const res = await broken.request('/v1/ingest/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys['dev-7']}` },
      body: JSON.stringify({ deviceId: 'dev-7', batchId: 'down', readings: readings(5) }),
    });
    expect(res.status).toBe(503);
    expect((await json(res)).error.message).toMatch(/nothing was written.*retry with the same batch id/);
    await dead.end();
  });
});

describe('POST /v1/ingest/sessions', () => {
  const session = { deviceId: 'dev-8', sessionId: 'sess-1', batchId: 'sess-1-v1', exercise: 'squat', startedAt: T0, endedAt: T0 + 60_000 };

  it('stores a labelled session once, and a repeat as a duplicate', async () => {
    expect((await post('/v1/ingest/sessions', session, keys['dev-8'])).status).toBe(201);
    expect((await json(await post('/v1/ingest/sessions', session, keys['dev-8']))).status).toBe('duplicate');
    const { rows } = await stack.pools.owner.query(`SELECT exercise, started_at, ended_at FROM bronze.exercise_sessions WHERE session_id = 'sess-1'`);
    expect(rows).toEqual([{ exercise: 'squat', started_at: new Date(T0), ended_at: new Date(T0 + 60_000) }]);
  });

  it('names the field when a session is invalid: 400 against the schema, 422 for an end before its start', async () => {
    const res = await post('/v1/ingest/sessions', { ...session, batchId: 'v2', exercise: 'Squat!' }, keys['dev-8']);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ field: 'exercise', reason: 'must be a lower-case exercise name such as "squat" or "push-up"' }]);
    const nul = await post('/v1/ingest/sessions', { ...session, batchId: 'v4', notes: 'a\u0000b' }, keys['dev-8']);
    expect(nul.status).toBe(400);
    expect((await json(nul)).error.details).toEqual([{ field: 'notes', reason: 'must not contain NUL (PostgreSQL text cannot hold it)' }]);
    const backwards = await post('/v1/ingest/sessions', { ...session, sessionId: 'sess-2', batchId: 'v3', endedAt: T0 - 1 }, keys['dev-8']);
    expect(backwards.status).toBe(422);
    expect((await json(backwards)).error.details).toEqual([{ field: 'endedAt', reason: 'must not be before startedAt' }]);
    const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM bronze.exercise_sessions WHERE session_id = 'sess-2'`);
    expect(rows[0].n).toBe(0);
  });
});
