// Least privilege is enforced by PostgreSQL itself: each role is refused what it must not do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
