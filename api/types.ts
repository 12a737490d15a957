// Types shared by the API's modules: the Hono environment and the app's dependencies.
import type { Pool } from '../lib/db/pool.ts';
import type { Logger } from '../lib/log.ts';
import type { KeyStore, Principal } from './auth.ts';
import type { IngestWriterOptions } from '../domains/sensor/ingest/writer.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    principal: Principal;
    /** The app's key store, set for every request so requireRole() needs no argument. */
    keys: KeyStore;
  };
};

export interface AppDeps {
  /** The read-only role: everything the API serves comes through this pool. */
  readPool: Pool;
  /** The ingest role: can only add rows to bronze. */
  ingestPool: Pool;
  log: Logger;
  /** Readiness probes; each resolves when its dependency answers and throws otherwise. */
  ready: { postgres: () => Promise<void>; temporal: () => Promise<void> };
  corsOrigins?: string[];
  ingest?: IngestWriterOptions & { maxBodyBytes?: number };
  /** Live classification of device windows while they post (default on; REFINERY_LIVE=off turns it off). */
  live?: boolean;
  /** A pipeline's schedule as Temporal knows it (undefined when none); absent when Temporal is not wired. */
  schedules?: (pipeline: string) => Promise<ScheduleInfo | undefined>;
  /** Where runs link to in the Temporal Web UI; without uiUrl, runs carry no link. */
  temporal?: { uiUrl?: string; namespace: string };
  /** How long a gold answer's freshness is reused before it is read again (default 1000 ms; 0: every request). */
  freshnessTtlMs?: number;
  /** Whether a pipeline's reconciler is running, as Temporal knows; absent when Temporal is not wired. */
  reconcilers?: (pipeline: string) => Promise<boolean>;
}

export interface ScheduleInfo {
  spec: string;
  timezone: string;
  paused: boolean;
  note?: string;
  nextRuns: string[];
}
