// Least privilege is enforced by PostgreSQL itself: each role is refused what it must not do.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionLogins } from '../../lib/db/roles.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.pools.owner.query(`
    CREATE TABLE gold.scores (id int PRIMARY KEY, score float8);
    INSERT INTO gold.scores VALUES (1, 0.5);
  `);
});
afterAll(() => stack?.close());

const denied = /permission denied/;

describe('database roles', () => {
  it('lets the API role read gold but refuses INSERT, UPDATE, DELETE and DDL on it', async () => {
    const api = stack.pools.api;
    await expect(api.query('SELECT score FROM gold.scores')).resolves.toMatchObject({ rows: [{ score: 0.5 }] });
    await expect(api.query('INSERT INTO gold.scores VALUES (2, 1)')).rejects.toThrow(denied);
    await expect(api.query('UPDATE gold.scores SET score = 0')).rejects.toThrow(denied);
    await expect(api.query('DELETE FROM gold.scores')).rejects.toThrow(denied);
    await expect(api.query('TRUNCATE gold.scores')).rejects.toThrow(denied);
    await expect(api.query('CREATE TABLE gold.evil (x int)')).rejects.toThrow(denied);
    await expect(api.query('DROP TABLE gold.scores')).rejects.toThrow(/must be owner/);
  });

  it('refuses the API role any write in every schema, and reads outside gold, registry and ops', async () => {
    const api = stack.pools.api;
    for (const schema of ['bronze', 'silver', 'gold', 'registry', 'ops', 'public']) {
      await expect(api.query(`CREATE TABLE ${schema}.x (a int)`), schema).rejects.toThrow(denied);
    }
    await expect(api.query('SELECT * FROM bronze.demo_events')).rejects.toThrow(denied);
    await expect(api.query("INSERT INTO ops.api_keys (id, name, role, secret_hash) VALUES ('x', 'x', 'admin', '\\x00')")).rejects.toThrow(denied);
    await expect(api.query('SELECT count(*) FROM ops.pipeline_runs')).resolves.toBeTruthy();
  });

  it('gives the ingest role no access to gold, silver or ops', async () => {
    const ingest = stack.pools.ingest;
    await expect(ingest.query('SELECT * FROM gold.scores')).rejects.toThrow(denied);
    await expect(ingest.query('SELECT * FROM ops.api_keys')).rejects.toThrow(denied);
    await expect(ingest.query("INSERT INTO bronze.demo_events VALUES ('2026-01-01', 1, 's', 1, '{}', now())")).rejects.toThrow(denied);
  });

  it('lets the worker write every layer but never change the schema', async () => {
    const worker = stack.pools.worker;
    await expect(worker.query('INSERT INTO gold.scores VALUES (3, 0.1)')).resolves.toBeTruthy();
    await expect(worker.query('DELETE FROM gold.scores WHERE id = 3')).resolves.toBeTruthy();
    await expect(worker.query('CREATE TABLE silver.x (a int)')).rejects.toThrow(denied);
    await expect(worker.query('ALTER TABLE gold.scores ADD COLUMN y int')).rejects.toThrow(/must be owner/);
  });
});

describe("the registrar role (the API's registry writes)", () => {
  it('writes the registry and the audit log, and nothing else', async () => {
    const registrar = stack.pools.registrar;
    await expect(
      registrar.query("INSERT INTO registry.models (name, task, algorithm) VALUES ('registrar-made', 'other', 'x') RETURNING id"),
    ).resolves.toBeTruthy();
    await expect(registrar.query("UPDATE registry.models SET description = 'd' WHERE name = 'registrar-made'")).resolves.toBeTruthy();
    await expect(
      registrar.query("INSERT INTO audit.api_writes (key_id, role, action, target, status, request_id) VALUES ('k', 'admin', 'POST /v1/x', 'x', 200, 'r')"),
    ).resolves.toBeTruthy();
    // No history is rewritten: neither the registry's rows nor the audit log can be deleted.
    await expect(registrar.query("DELETE FROM registry.models WHERE name = 'registrar-made'")).rejects.toThrow(denied);
    await expect(registrar.query('UPDATE audit.api_writes SET status = 0')).rejects.toThrow(denied);
    await expect(registrar.query('DELETE FROM audit.api_writes')).rejects.toThrow(denied);
    for (const write of [
      'INSERT INTO gold.scores VALUES (9, 1)',
      "INSERT INTO bronze.demo_events VALUES ('2026-01-01', 1, 's', 1, '{}', now())",
      'UPDATE ops.pipeline_runs SET status = status',
      'TRUNCATE registry.models CASCADE',
      'SELECT * FROM gold.scores',
    ]) {
      await expect(registrar.query(write), write).rejects.toThrow(denied);
    }
    for (const schema of ['bronze', 'silver', 'gold', 'registry', 'ops', 'audit', 'public']) {
      await expect(registrar.query(`CREATE TABLE ${schema}.x (a int)`), schema).rejects.toThrow(denied);
    }
  });

  it("creates and revokes API keys but never reads a key's secret hash", async () => {
    const registrar = stack.pools.registrar;
    await expect(
      registrar.query("INSERT INTO ops.api_keys (id, name, role, secret_hash, created_by) VALUES ('regkey000001', 'n', 'reader', '\\x00', 'test')"),
    ).resolves.toBeTruthy();
    await expect(registrar.query("UPDATE ops.api_keys SET revoked_at = now(), revoked_by = 't' WHERE id = 'regkey000001'")).resolves.toBeTruthy();
    await expect(registrar.query('SELECT secret_hash FROM ops.api_keys')).rejects.toThrow(denied);
    await expect(registrar.query("UPDATE ops.api_keys SET role = 'admin' WHERE id = 'regkey000001'")).rejects.toThrow(denied);
    await expect(registrar.query("UPDATE ops.api_keys SET secret_hash = '\\x01'")).rejects.toThrow(denied);
  });
});

describe('the analyst login', () => {
  const user = `refinery_analyst_t${randomBytes(4).toString('hex')}`;
  let url: string;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  beforeAll(async () => {
    // A login of its own, with a short timeout, made by the same code as `refinery roles provision`.
    ({ analyst: url } = (await provisionLogins(
      stack.urls.owner,
      { analyst: { user, password: randomBytes(12).toString('hex') } },
      {
        statementTimeout: '300ms',
        connectionLimit: 2,
      },
    )) as { analyst: string });
  });
  afterAll(async () => {
    await stack.pools.owner.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(user)}`);
  });

  it('reads bronze, silver, gold and the registry, and not ops or the audit log', async () => {
    const c = await connect();
    try {
      const curated = ['registry.model_catalogue', 'registry.training_history', 'silver.labelled_windows'];
      for (const table of ['bronze.demo_events', 'silver.imu_windows', 'gold.scores', 'registry.models', 'registry.dataset_versions', ...curated]) {
        await expect(c.query(`SELECT count(*) FROM ${table}`), table).resolves.toBeTruthy();
      }
      await expect(c.query('SELECT * FROM ops.api_keys')).rejects.toThrow(denied);
      await expect(c.query('SELECT * FROM ops.pipeline_runs')).rejects.toThrow(denied);
      await expect(c.query('SELECT * FROM audit.api_writes')).rejects.toThrow(denied);
    } finally {
      await c.end();
    }
  });

  it('cannot write or create anything anywhere, even after turning read-only off', async () => {
    const c = await connect();
    try {
      expect((await c.query('SHOW transaction_read_only')).rows[0].transaction_read_only).toBe('on');
      await expect(c.query('INSERT INTO gold.scores VALUES (5, 1)')).rejects.toThrow(/read-only transaction/);
      await c.query('SET default_transaction_read_only = off');
      const attempts = [
        'INSERT INTO gold.scores VALUES (5, 1)',
        'UPDATE silver.imu_windows SET session_id = NULL',
        'DELETE FROM registry.models',
        "INSERT INTO bronze.demo_events VALUES ('2026-01-01', 1, 's', 1, '{}', now())",
        'TRUNCATE gold.scores',
        'CREATE TEMP TABLE mine (a int)',
        'CREATE SCHEMA mine',
        "SELECT nextval(pg_get_serial_sequence('registry.models', 'id'))",
        'SELECT lo_create(0)',
        "SELECT lo_from_bytea(0, '\\x00')",
      ];
      for (const schema of ['bronze', 'silver', 'gold', 'registry', 'ops', 'audit', 'public']) {
        attempts.push(
          `CREATE TABLE ${schema}.mine (a int)`,
          `CREATE VIEW ${schema}.mine AS SELECT 1`,
          `CREATE FUNCTION ${schema}.mine() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
        );
      }
      for (const sql of attempts) await expect(c.query(sql), sql).rejects.toThrow(/permission denied|must be owner/);
    } finally {
      await c.end();
    }
  });

  it('is stopped by its statement timeout and its connection limit', async () => {
    const a = await connect();
    const b = await connect();
    try {
      await expect(a.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
      await expect(a.query('SELECT 1 AS alive')).resolves.toMatchObject({ rows: [{ alive: 1 }] });
      await expect(connect()).rejects.toThrow(/too many connections for role/);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
