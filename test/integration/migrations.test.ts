// Migrations go down and up again, and re-running them changes nothing: after each migration in turn
// is reverted and applied again, and after all are, pg_dump --schema-only (tables, columns,
// constraints, indexes, views, functions, triggers, grants, default privileges, comments) is
// identical to the first dump. A down that reverts too little or too much shows as a difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../lib/db/migrate.ts';
import { schemaDump } from '../support/pg-dump.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let serverMajor: number;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  const { rows } = await stack.pools.owner.query(`SELECT current_setting('server_version_num')::int / 10000 AS major`);
  serverMajor = rows[0].major;
});
afterAll(() => stack?.close());

/**
 * The schema as dumped, with the day of bronze readings' partitions masked: 0070 makes them from
 * yesterday to a week ahead of the day it runs, so a test that crosses midnight UTC re-applies it
 * to days one later. A partition left behind or missing still shows (as a line more or less).
 */
async function dump(): Promise<string[]> {
  const day = /imu_segments_\d{8}/g;
  return (await schemaDump(stack.urls.owner, serverMajor)).map((line) =>
    line.search(day) < 0 ? line : line.replace(day, 'imu_segments_<day>').replace(/'\d{4}-\d{2}-\d{2}'/g, "'<day>'"),
  );
}

async function schemas(): Promise<string[]> {
  const { rows } = await stack.pools.owner.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('bronze','silver','gold','registry','ops') ORDER BY 1");
  return rows.map((r) => r.nspname);
}

describe('migrations', () => {
  it('are a no-op when already applied', async () => {
    expect(await migrate(stack.urls.owner, { direction: 'up' })).toEqual([]);
  });

  it('revert each migration in turn and apply it again, leaving the same schema', async () => {
    const first = await dump();
    expect(first).toContain('CREATE TABLE bronze.imu_segments (');
    expect(first.some((line) => line.startsWith('GRANT SELECT ON TABLE gold.'))).toBe(true);
    const { rows } = await stack.pools.owner.query('SELECT name FROM pgmigrations ORDER BY run_on DESC, id DESC');
    for (let k = 0; k < rows.length; k++) {
      // Down to just below migration k (newest first), then up again.
      const reverted = await migrate(stack.urls.owner, { direction: 'down', count: k + 1 });
      expect(reverted).toEqual(rows.slice(0, k + 1).map((r) => r.name));
      await migrate(stack.urls.owner, { direction: 'up' });
      expect(await dump(), `after reverting and re-applying ${reverted.at(-1)}`).toEqual(first);
    }
  });

  it('revert every migration down to an empty database and apply them again, leaving the same schema', async () => {
    const first = await dump();
    const { rows } = await stack.pools.owner.query('SELECT count(*)::int AS n FROM pgmigrations');
    const reverted = await migrate(stack.urls.owner, { direction: 'down', count: rows[0].n });
    expect(reverted.length).toBe(rows[0].n);
    expect(await schemas()).toEqual([]);
    const applied = await migrate(stack.urls.owner, { direction: 'up' });
    expect(applied).toEqual([...reverted].reverse());
    expect(await dump()).toEqual(first);
    // Grants come back with the schemas: the API role can read ops again.
    await expect(stack.pools.api.query('SELECT count(*) FROM ops.pipeline_runs')).resolves.toBeTruthy();
  });
});
