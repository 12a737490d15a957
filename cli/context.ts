// What most commands need: the config, a Temporal client, an owner pool, and option parsing.
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig, requireUrl, type Config } from '../lib/config.ts';
import { checkConnection, createPool, type Pool } from '../lib/db/pool.ts';
import { getPipeline, UnknownPipelineError } from '../domains/index.ts';
import { PartitionError } from '../engine/pipeline/partitions.ts';
import { RerunError } from '../engine/pipeline/rerun.ts';
import type { PipelineDefinition } from '../engine/pipeline/types.ts';
import { connectClient } from '../engine/temporal/client.ts';
import { UserError } from './user-error.ts';

export async function withClient<T>(fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    return await fn(client, config);
  } finally {
    await client.connection.close();
  }
}

/** A pool on `url` for the length of `fn`; `variable` names the setting in a connection error. */
async function withPool<T>(config: Config, url: string, variable: string, fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  await checkConnection(url, variable);
  const pool = createPool(url, { applicationName: 'refinery-cli', max: 2 });
  try {
    return await fn(pool, config);
  } finally {
    await pool.end();
  }
}

export async function withOwnerPool<T>(fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  return withPool(config, requireUrl(config, 'owner'), 'DATABASE_URL', fn);
}

/** As the worker's role (writes as the pipelines do): imports land through the same grants. */
export async function withWorkerPool<T>(fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  return withPool(config, requireUrl(config, 'worker'), 'WORKER_DATABASE_URL', fn);
}

/**
 * For commands that only read (run history, key listings, what a backfill would redo): the API
 * role's read-only login when API_DATABASE_URL is set, so an operator needs no owner credentials;
 * otherwise the owner's.
 */
export async function withReaderPool<T>(fn: (pool: Pool, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.apiDatabaseUrl) return withPool(config, config.apiDatabaseUrl, 'API_DATABASE_URL', fn);
  if (config.databaseUrl) return withPool(config, config.databaseUrl, 'DATABASE_URL', fn);
  throw new ConfigError('API_DATABASE_URL: required for this command (or DATABASE_URL; run `refinery dev` for an embedded stack)');
}

/** The pipeline by name, or a UserError listing the known ones. */
export function pipelineNamed(name: string): PipelineDefinition {
  try {
    return getPipeline(name);
  } catch (e) {
    if (e instanceof UnknownPipelineError) throw new UserError(e.message);
    throw e;
  }
}

/** Turns errors a user caused (bad partition, bad range) into one-line UserErrors. */
export function asUserError(e: unknown): never {
  if (e instanceof PartitionError || e instanceof RangeError || e instanceof RerunError) throw new UserError(e.message);
  throw e;
}

/** `--param k=v` (repeatable): values that parse as JSON (numbers, booleans, arrays) are typed. */
export function collectParam(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new UserError(`--param: expected key=value (got "${value}")`);
  const key = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    /* a plain string */
  }
  return { ...previous, [key]: parsed };
}

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag}: must be a whole number ≥ 1 (got "${value}")`);
    return n;
  };
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Runs `fn` every `everyMs`, never two at once. `stop()` also waits for the call in flight, so no
 * poll outlives the Temporal connection: a gRPC retry firing on a closed channel throws from a
 * timer and would kill the CLI after the work was done.
 */
export function startPolling(fn: () => Promise<void>, everyMs: number): { stop(): Promise<void> } {
  let inflight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inflight ??= fn()
      .catch(() => {})
      .finally(() => (inflight = undefined));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inflight;
    },
  };
}

/** A poll that gives up after a few seconds rather than retrying past the end of a command. */
export const POLL_DEADLINE_MS = 5_000;

/** An "Examples:" block for a command's --help, one command line (and optional comment) per entry. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
