// Applies the SQL files under migrations/ with node-pg-migrate (up, down, re-runs are no-ops).
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface MigrateOptions {
  direction: 'up' | 'down';
  /** How many migrations to apply (up: all by default; down: one by default). */
  count?: number;
  log?: (message: string) => void;
}

/** Runs migrations as the owner; returns the names of the migrations applied or reverted. */
export async function migrate(databaseUrl: string, options: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: options.direction,
    count: options.count ?? (options.direction === 'up' ? Infinity : 1),
    migrationsTable: 'pgmigrations',
    migrationsSchema: 'public',
    singleTransaction: true,
    checkOrder: true,
    // Several processes may start at once (API, workers): the second waits instead of failing.
    advisoryLockMode: 'wait',
    log: options.log ?? (() => {}),
    logger: options.log
      ? { debug: () => {}, info: options.log, warn: options.log, error: options.log }
      : { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  return applied.map((m) => m.name);
}
