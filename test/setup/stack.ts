// Vitest global setup for integration tests: one PostgreSQL and one Temporal dev server for the
// whole run (throwaway, in a temp dir), a migrated template database each test file clones, the
// role logins, and the workflow bundle built once. Set TEST_DATABASE_URL (a superuser URL) and/or
// TEST_TEMPORAL_ADDRESS to reuse running servers instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config.ts';
import { startInfrastructure } from '../../cli/stack/infra.ts';
import { ensureDatabase } from '../../cli/stack/postgres.ts';
import { workflowsPath } from '../../engine/temporal/worker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the migrated template database. */
    templateUrl: string;
    /** Login URLs (on the template database) for the worker, ingest, api, registrar and analyst roles. */
    roleUrls: { worker: string; ingest: string; api: string; registrar: string; analyst: string };
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const home = mkdtempSync(join(tmpdir(), 'refinery-test-'));
  const env = process.env;
  let databaseUrl: string | undefined;
  if (env.TEST_DATABASE_URL) {
    await ensureDatabase(env.TEST_DATABASE_URL, 'refinery_template');
    const u = new URL(env.TEST_DATABASE_URL);
    u.pathname = '/refinery_template';
    databaseUrl = u.toString();
  }
  const config = loadConfig(
    { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS, TEMPORAL_CLI_PATH: env.TEMPORAL_CLI_PATH, LOG_LEVEL: 'warn' },
    { useRunningStack: false },
  );
  const quiet = env.TEST_VERBOSE ? (l: string) => console.log(`[stack] ${l}`) : () => {};
  const [infra, bundle] = await Promise.all([
    startInfrastructure({ config, home, say: quiet, ephemeral: true, database: 'refinery_template' }),
    bundleWorkflowCode({ workflowsPath, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } }),
  ]);
  const workflowBundlePath = join(home, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('templateUrl', infra.env.DATABASE_URL!);
  project.provide('roleUrls', {
    worker: infra.env.WORKER_DATABASE_URL!,
    ingest: infra.env.INGEST_DATABASE_URL!,
    api: infra.env.API_DATABASE_URL!,
    registrar: infra.env.REGISTRAR_DATABASE_URL!,
    analyst: infra.env.ANALYST_DATABASE_URL!,
  });
  project.provide('temporalAddress', infra.env.TEMPORAL_ADDRESS!);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await infra.stop();
    rmSync(home, { recursive: true, force: true });
  };
}
