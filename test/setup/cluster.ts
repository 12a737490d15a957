// Vitest global setup for the cluster suite (npm run test:cluster): throwaway certificates, an
// embedded PostgreSQL, Temporal's production server on it (persistence and visibility in databases
// of their own) requiring mTLS, and a migrated Refinery database with its role logins.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, startLocalPostgres } from '../../cli/stack/postgres.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { provisionLogins } from '../../lib/db/roles.ts';
import { makeCertificates } from '../support/certificates.ts';
import { startTemporalCluster } from '../support/temporal-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: {
      /** Owner (superuser) URL of the Refinery database, and the role logins on it. */
      ownerUrl: string;
      roles: { worker: string; ingest: string; api: string; registrar: string };
      temporalAddress: string;
      namespace: string;
      /** Certificate files: the right ones, and another CA with a client of its own. */
      certs: { ca: string; clientCert: string; clientKey: string; otherCa: string; otherClientCert: string; otherClientKey: string };
      landingDir: string;
      temporalLog: string;
    };
  }
}

export default async function setup(project: TestProject) {
  const home = mkdtempSync(join(tmpdir(), 'refinery-cluster-'));
  const password = randomBytes(12).toString('hex');
  const certs = makeCertificates(join(home, 'certs'));
  const postgres = await startLocalPostgres({ dataDir: join(home, 'postgres'), password, logFile: join(home, 'postgres.log'), fast: true });
  let stopCluster: (() => Promise<void>) | undefined;
  try {
    const cluster = await startTemporalCluster({
      postgres: { host: '127.0.0.1', port: postgres.port, user: 'postgres', password },
      workDir: join(home, 'temporal'),
      certificates: certs,
    });
    stopCluster = cluster.stop;
    await ensureDatabase(postgres.url('postgres'), 'refinery');
    const ownerUrl = postgres.url('refinery');
    await migrate(ownerUrl, { direction: 'up' });
    const token = () => randomBytes(9).toString('hex');
    const roles = (await provisionLogins(ownerUrl, { worker: token(), ingest: token(), api: token(), registrar: token() })) as {
      worker: string;
      ingest: string;
      api: string;
      registrar: string;
    };
    const landingDir = join(home, 'landing');
    mkdirSync(landingDir);
    project.provide('cluster', {
      ownerUrl,
      roles,
      temporalAddress: cluster.address,
      namespace: cluster.namespace,
      certs: {
        ca: certs.ca,
        clientCert: certs.client.cert,
        clientKey: certs.client.key,
        otherCa: certs.otherCa,
        otherClientCert: certs.otherClient.cert,
        otherClientKey: certs.otherClient.key,
      },
      landingDir,
      temporalLog: cluster.logFile,
    });
  } catch (e) {
    await stopCluster?.();
    await postgres.stop();
    throw e;
  }
  return async () => {
    await stopCluster?.();
    await postgres.stop();
    rmSync(home, { recursive: true, force: true });
  };
}
