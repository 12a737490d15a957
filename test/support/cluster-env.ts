// What a `refinery` process of the cluster suite needs: the cluster's URLs and the mTLS material.
import { inject } from 'vitest';

/** The environment of a worker, API or CLI process on the cluster (overrides in `extra`; '' unsets). */
export function clusterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const c = inject('cluster');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REFINERY_HOME: '/nonexistent-refinery-home',
    DATABASE_URL: c.ownerUrl,
    WORKER_DATABASE_URL: c.roles.worker,
    INGEST_DATABASE_URL: c.roles.ingest,
    API_DATABASE_URL: c.roles.api,
    REGISTRAR_DATABASE_URL: c.roles.registrar,
    // Object storage beside the landing folders, in the suite's temp dir.
    STORAGE_DIR: `${c.landingDir}/../objects`,
    TEMPORAL_ADDRESS: c.temporalAddress,
    TEMPORAL_NAMESPACE: c.namespace,
    TEMPORAL_TLS_CA: c.certs.ca,
    TEMPORAL_TLS_CERT: c.certs.clientCert,
    TEMPORAL_TLS_KEY: c.certs.clientKey,
    REFINERY_LANDING_DIR: c.landingDir,
    LOG_LEVEL: 'info',
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  return env;
}
