// The device protocol on a real `refinery api` process, as ESP32 firmware meets it: nested readings
// beside flat ones (the same bronze rows), the server clock (GET /v1/time and every
// acknowledgement), a batch stamped ahead of the server clock refused with the offset named and
// accepted once the device declares its offset, the OpenAPI document describing all of it, and
// room at the door for a fleet connecting at once.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../../api/server.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { startApiProcess, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let api: RefineryProcess;
let url: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  ({ url, api } = await startApiProcess(stack, { LOG_LEVEL: 'warn' }));
  for (const deviceId of ['flat-1', 'nested-1', 'fast-1', 'boot-1'])
    keys[deviceId] = (await createApiKey(stack.pools.owner, { name: deviceId, role: 'device', deviceId })).token;
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

const post = (path: string, key: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

const json = (res: Response): Promise<any> => res.json();

const T0 = Date.UTC(2026, 10, 25, 7, 30);
const values = [
  { acc: [0.12, -0.03, 9.79], gyro: [0.01, -0.02, 0.003], mag: [21.5, -4.25, -39.8] },
  { acc: [1e-7, 156.9, -156.9], gyro: [-34.9, 34.9, 0], mag: null },
  { acc: [0.5, 0.25, 9.5], gyro: [0.125, 0, -0.5], mag: [-4899.5, 4899.5, 0] },
];

const flat = values.map((v, i) => ({
  timestamp: i === 1 ? new Date(T0 + 20 * i).toISOString() : T0 + 20 * i,
  ax: v.acc[0],
  ay: v.acc[1],
  az: v.acc[2],
  gx: v.gyro[0],
  gy: v.gyro[1],
  gz: v.gyro[2],
  ...(v.mag ? { mx: v.mag[0], my: v.mag[1], mz: v.mag[2] } : {}),
}));
const nested = values.map((v, i) => ({
  timestamp: i === 1 ? new Date(T0 + 20 * i).toISOString() : T0 + 20 * i,
  accelerometer: { x: v.acc[0], y: v.acc[1], z: v.acc[2] },
  gyroscope: { x: v.gyro[0], y: v.gyro[1], z: v.gyro[2] },
  ...(v.mag ? { magnetometer: { x: v.mag[0], y: v.mag[1], z: v.mag[2] } } : {}),
}));

async function bronze(deviceId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT session_id, ts, ax, ay, az, gx, gy, gz, mx, my, mz FROM bronze.imu_readings WHERE device_id = $1 ORDER BY ts`,
    [deviceId],
  );
  return rows;
}

describe('device protocol', () => {
  it('lands a nested batch and a flat batch of the same readings as identical bronze rows', async () => {
    expect((await post('/v1/ingest/readings', keys['flat-1'], { deviceId: 'flat-1', batchId: 'f1', sessionId: 's', readings: flat })).status).toBe(201);
    expect((await post('/v1/ingest/readings', keys['nested-1'], { deviceId: 'nested-1', batchId: 'n1', sessionId: 's', readings: nested })).status).toBe(201);
    const flatRows = await bronze('flat-1');
    expect(flatRows).toHaveLength(3);
    expect(await bronze('nested-1')).toEqual(flatRows);
    expect(flatRows[1]).toMatchObject({ ay: 156.9, mx: null });
    // One batch may mix the two shapes.
    const mixed = await post('/v1/ingest/readings', keys['nested-1'], {
      deviceId: 'nested-1',
      batchId: 'n2',
      readings: [
        { ...flat[0], timestamp: T0 + 100 },
        { ...nested[2], timestamp: T0 + 120 },
      ],
    });
    expect(mixed.status).toBe(201);
  });

  it('names the field of a nested reading that is wrong, in the nested shape', async () => {
    const res = await post('/v1/ingest/readings', keys['nested-1'], {
      deviceId: 'nested-1',
      batchId: 'bad',
      readings: [
        nested[0],
        { ...nested[2], gyroscope: { x: 0, y: 99, z: 0 } },
        { timestamp: T0, accelerometer: { x: 1, y: 2 }, gyroscope: nested[0].gyroscope },
      ],
    });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.details).toEqual([
      { field: 'readings[1].gyroscope.y', reason: 'out of physical range (-34.9 to 34.9 rad/s)' },
      { field: 'readings[2].accelerometer.z', reason: 'required' },
    ]);
  });

  it('tells a device the server time, for measuring its clock offset', async () => {
    const sent = Date.now();
    const res = await fetch(`${url}/v1/time`, { headers: { authorization: `Bearer ${keys['fast-1']}` } });
    const received = Date.now();
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.serverTime).toBeGreaterThanOrEqual(sent);
    expect(body.serverTime).toBeLessThanOrEqual(received);
    expect(new Date(body.iso).getTime()).toBe(body.serverTime);
    expect((await fetch(`${url}/v1/time`)).status).toBe(401);
  });

  it('refuses a batch 10 minutes ahead with the offset named, and accepts it when the device declares its offset', async () => {
    const ahead = Date.now() + 10 * 60_000;
    const batch = { deviceId: 'fast-1', batchId: 'fast-b1', readings: flat.map((r, i) => ({ ...r, timestamp: ahead + i * 20 })) };
    const sentAt = Date.now();
    const refused = await post('/v1/ingest/readings', keys['fast-1'], batch);
    const answeredAt = Date.now();
    expect(refused.status).toBe(422);
    const { error } = await json(refused);
    expect(error.code).toBe('clock_ahead');
    // The newest reading's lead over the server clock at some moment between sending and the answer.
    const newest = batch.readings.at(-1)!.timestamp;
    const leadMs = Number(/^is (\d+) ms ahead of the server clock$/.exec(error.details[0]?.reason ?? '')?.[1]);
    expect(error.details).toEqual([{ field: 'readings[2].timestamp', reason: `is ${leadMs} ms ahead of the server clock` }]);
    expect(leadMs).toBeGreaterThanOrEqual(newest - answeredAt - 1);
    expect(leadMs).toBeLessThanOrEqual(newest - sentAt + 1);
    expect(error.message).toContain(`the batch is ${(leadMs / 1000).toFixed(1)} s ahead of the server clock`);
    expect(error.message).toContain(`send the batch again with clockOffsetMs ${-leadMs} `);
    expect(await bronze('fast-1')).toEqual([]);

    const accepted = await post('/v1/ingest/readings', keys['fast-1'], { ...batch, clockOffsetMs: -600_000 });
    expect(accepted.status).toBe(201);
    const ack = await json(accepted);
    expect(ack).toMatchObject({ status: 'stored', clockOffsetMs: -600_000, items: 3 });
    expect(Math.abs(ack.serverTime - Date.now())).toBeLessThan(5_000);
    const rows = await bronze('fast-1');
    expect(rows.map((r) => r.ts.getTime())).toEqual(batch.readings.map((r) => r.timestamp - 600_000));
    const { rows: batches } = await stack.pools.owner.query(`SELECT clock_offset_ms FROM bronze.ingest_batches WHERE device_id = 'fast-1'`);
    expect(batches).toEqual([{ clock_offset_ms: -600_000 }]);
  });

  it('accepts a device that never set its clock (time since boot) once it declares the offset', async () => {
    const bootedAt = Date.now() - 42_000;
    const sinceBoot = [0, 20, 40].map((dt, i) => ({ ...flat[i], timestamp: 41_000 + dt }));
    const refused = await post('/v1/ingest/readings', keys['boot-1'], { deviceId: 'boot-1', batchId: 'boot-b1', readings: sinceBoot });
    expect(refused.status).toBe(422);
    expect((await json(refused)).error.details[0]).toEqual({ field: 'readings[0].timestamp', reason: 'is before 2000-01-01 on the server clock' });
    const accepted = await post('/v1/ingest/readings', keys['boot-1'], {
      deviceId: 'boot-1',
      batchId: 'boot-b1',
      clockOffsetMs: bootedAt,
      readings: sinceBoot,
    });
    expect(accepted.status).toBe(201);
    expect((await bronze('boot-1')).map((r) => r.ts.getTime())).toEqual([bootedAt + 41_000, bootedAt + 41_020, bootedAt + 41_040]);
    const session = await post('/v1/ingest/sessions', keys['boot-1'], {
      deviceId: 'boot-1',
      sessionId: 'boot-s1',
      batchId: 'boot-s1-record',
      exercise: 'squat',
      startedAt: 40_000,
      endedAt: 100_000,
      clockOffsetMs: bootedAt,
    });
    expect(session.status).toBe(201);
    expect((await json(session)).clockOffsetMs).toBe(bootedAt);
    const { rows } = await stack.pools.owner.query(`SELECT started_at, ended_at FROM bronze.exercise_sessions WHERE device_id = 'boot-1'`);
    expect(rows).toEqual([{ started_at: new Date(bootedAt + 40_000), ended_at: new Date(bootedAt + 100_000) }]);
  });

  it('documents both reading shapes with examples, the clock offset, the server time and the acknowledgement', async () => {
    const doc = await json(await fetch(`${url}/openapi.json`));
    const readings = doc.components.schemas.ReadingsBatch.properties.readings.items;
    const shapes = (readings.anyOf ?? readings.oneOf).map((s: { $ref: string }) => s.$ref);
    expect(shapes).toEqual(['#/components/schemas/Reading', '#/components/schemas/NestedReading']);
    expect(doc.components.schemas.NestedReading.example.accelerometer).toEqual({ x: 0.12, y: -0.03, z: 9.79 });
    expect(doc.components.schemas.ReadingsBatch.properties.clockOffsetMs.description).toContain('GET /v1/time');
    const examples = doc.paths['/v1/ingest/readings'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toEqual(['flat', 'nested']);
    expect(examples.nested.value.readings[0].gyroscope).toBeDefined();
    expect(doc.paths['/v1/ingest/readings'].post.responses['422']).toBeDefined();
    expect(Object.keys(doc.components.schemas.IngestAck.properties)).toEqual(expect.arrayContaining(['serverTime', 'prediction', 'clockOffsetMs']));
    expect(doc.paths['/v1/time'].get.responses['200']).toBeDefined();
  });

  it('lets a fleet connecting at once wait at the door instead of dropping it', () => {
    // A listening socket's Send-Q in ss is its backlog; Linux caps it at net.core.somaxconn.
    const port = new URL(url).port;
    const [listening] = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const backlog = Number(listening!.trim().split(/\s+/)[2]);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    expect(backlog).toBeGreaterThan(511); // Node's default, which a fleet of 1,000 overflowed
  });
});
