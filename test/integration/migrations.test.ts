// Migrations go down and up again, and re-running them changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../lib/db/migrate.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

async function schemas(): Promise<string[]> {
  const { rows } = await stack.pools.owner.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('bronze','silver','gold','registry','ops') ORDER BY 1");
  return rows.map((r) => r.nspname);
}

describe('migrations', () => {
  it('are a no-op when already applied', async () => {
    expect(await migrate(stack.urls.owner, { direction: 'up' })).toEqual([]);
  });

  it('revert every migration down to an empty database and apply them again', async () => {
    const { rows } = await stack.pools.owner.query('SELECT count(*)::int AS n FROM pgmigrations');
    const reverted = await migrate(stack.urls.owner, { direction: 'down', count: rows[0].n });
    expect(reverted.length).toBe(rows[0].n);
    expect(await schemas()).toEqual([]);
    const applied = await migrate(stack.urls.owner, { direction: 'up' });
    expect(applied).toEqual([...reverted].reverse());
    expect(await schemas()).toEqual(['bronze', 'gold', 'ops', 'registry', 'silver']);
    // Grants come back with the schemas: the API role can read ops again.
    await expect(stack.pools.api.query('SELECT count(*) FROM ops.pipeline_runs')).resolves.toBeTruthy();
  });
});
