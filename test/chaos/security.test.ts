// Security: every /v1 route refuses a missing key (401) and the wrong role (403); keys never reach
// the logs; PostgreSQL refuses the API and ingest roles anything outside their grants, on every
// table; SQL injection in every parameter changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import type { Pool } from '../../lib/db/pool.ts';
import { groupRoles } from '../../lib/db/roles.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { recordFigure } from './figures.ts';

let stack: TestStack;
let api: RefineryProcess;
let url: string;
const keys: Record<string, string> = {};
const tally = { requests: 0, refusedByPostgres: 0, injectionAttempts: 0 };
const scenario = {
  scenario: 'Security: keys and roles on every route, SQL injection in every parameter, keys in logs, PostgreSQL grants',
  command: 'npm run test:chaos -- security',
};

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

/** Every table of the medallion and ops schemas: row count and md5 of its sorted rows. */
async function tableDigests(): Promise<Map<string, { n: number; digest: string }>> {
  const { rows: tables } = await stack.pools.owner.query(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('bronze', 'silver', 'gold', 'registry', 'ops') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out = new Map<string, { n: number; digest: string }>();
  for (const { name } of tables) {
    const { rows } = await stack.pools.owner.query(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${name} t`,
    );
    out.set(name, rows[0]);
  }
  return out;
}

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
    const before = await tableDigests();
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
    const after = await tableDigests();
    // Rows changed: for each table whose contents differ, the rows that appeared or disappeared.
    let rowsChanged = 0;
    const changedTables: string[] = [];
    for (const [table, was] of before) {
      const now = after.get(table)!;
      if (now.digest === was.digest) continue;
      changedTables.push(table);
      rowsChanged += Math.max(1, Math.abs(now.n - was.n));
    }
    expect(changedTables).toEqual([]);
    expect(tally.injectionAttempts).toBeGreaterThan(operations.length);
    recordFigure('security', { ...scenario, httpRequests: tally.requests, injectionAttempts: tally.injectionAttempts, rowsChangedByInjection: rowsChanged });
  });
});

describe('logs', () => {
  it('never contain a key, even at trace level and for refused keys', async () => {
    const bogus = 'rfy_0123456789ab_' + 'S'.repeat(43);
    await fetch(`${url}/v1/runs`, { headers: { authorization: `Bearer ${bogus}` } });
    await fetch(`${url}/v1/runs`, { headers: { 'x-api-key': keys.admin! } });
    await new Promise((r) => setTimeout(r, 300));
    const output = api.output();
    // The log has the requests in it (trace level), so a key in it would be seen.
    expect(output.length).toBeGreaterThan(0);
    expect(output).toContain('/v1/runs');
    const secrets = [...Object.values(keys), bogus].map((token) => token.slice('rfy_000000000000_'.length));
    const found = secrets.filter((secret) => output.includes(secret));
    expect(found).toEqual([]);
    recordFigure('security', { ...scenario, keysFoundInLogs: found.length });
  });
});

/** What PostgreSQL answers a statement: "refused" only for insufficient privilege (SQLSTATE 42501). */
async function probe(pool: Pool, statement: string): Promise<'refused' | 'allowed' | string> {
  try {
    await pool.query(statement);
    return 'allowed';
  } catch (e) {
    const error = e as { code?: string; message: string };
    return error.code === '42501' ? 'refused' : `failed for another reason (${error.code}): ${error.message}`;
  }
}

/** Statements that change a table, each on a real column so only a privilege check can refuse them. */
function writes(table: string, column: string): string[] {
  return [
    `DELETE FROM ${table} WHERE false`,
    `UPDATE ${table} SET ${column} = ${column} WHERE false`,
    `TRUNCATE ${table}`,
    `ALTER TABLE ${table} ADD COLUMN evil int`,
    `DROP TABLE ${table}`,
  ];
}

describe('PostgreSQL grants', () => {
  it('notices a privilege granted by mistake (the probe can fail)', async () => {
    await stack.pools.owner.query(`CREATE TABLE ops.grant_probe_canary (id int, note text)`);
    try {
      await stack.pools.owner.query(`GRANT UPDATE (note) ON ops.grant_probe_canary TO ${groupRoles.api}`);
      expect(await probe(stack.pools.api, `UPDATE ops.grant_probe_canary SET note = note WHERE false`)).toBe('allowed');
      expect(await probe(stack.pools.api, `UPDATE ops.grant_probe_canary SET id = id WHERE false`)).toBe('refused');
      // The old probe's column that does not exist fails for another reason, which is not a refusal.
      expect(await probe(stack.pools.api, `UPDATE ops.grant_probe_canary SET x = NULL WHERE false`)).toMatch(/another reason \(42703\)/);
    } finally {
      await stack.pools.owner.query(`DROP TABLE ops.grant_probe_canary`);
    }
  });

  it('refuses the API role every write and DDL on every table, and the ingest role everything but adding to its bronze tables', async () => {
    const { rows: tables } = await stack.pools.owner.query(
      `SELECT t.table_schema || '.' || t.table_name AS name,
              (SELECT c.column_name FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.is_identity = 'NO' AND c.is_generated = 'NEVER'
                ORDER BY c.ordinal_position LIMIT 1) AS column
         FROM information_schema.tables t
        WHERE t.table_schema IN ('bronze', 'silver', 'gold', 'registry', 'ops', 'live') AND t.table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.length).toBeGreaterThan(10);
    // Ingest lands readings and, in the same transaction, continues the devices' live windows and logs their predictions.
    const ingestMayInsert = new Set([
      'bronze.imu_segments',
      'bronze.ingest_batches',
      'bronze.exercise_sessions',
      'live.device_tails',
      'registry.live_predictions',
      'registry.predictions',
    ]);
    const ingestMayUpdate = new Set(['live.device_tails']);
    const notRefused: string[] = [];
    const check = async (role: string, pool: Pool, statement: string) => {
      const answer = await probe(pool, statement);
      if (answer === 'refused') tally.refusedByPostgres++;
      else notRefused.push(`${role}: ${statement}: ${answer}`);
    };
    for (const { name, column } of tables) {
      expect(column, name).toBeTruthy();
      for (const [role, pool] of [
        ['api', stack.pools.api],
        ['ingest', stack.pools.ingest],
      ] as const) {
        for (const statement of writes(name, column)) {
          if (role === 'ingest' && ingestMayUpdate.has(name) && statement.startsWith('UPDATE')) continue;
          await check(role, pool, statement);
        }
        if (!(role === 'ingest' && ingestMayInsert.has(name))) await check(role, pool, `INSERT INTO ${name} DEFAULT VALUES`);
      }
    }
    for (const schema of ['bronze', 'silver', 'gold', 'registry', 'ops', 'live', 'public'])
      await check('ingest', stack.pools.ingest, `CREATE TABLE ${schema}.evil (a int)`);
    await check('ingest', stack.pools.ingest, 'SELECT * FROM bronze.imu_readings');
    expect(notRefused).toEqual([]);
    recordFigure('security', { ...scenario, statementsRefusedByPostgres: tally.refusedByPostgres });
  });
});
