// Types shared by the API's modules: the Hono environment and the app's dependencies.
import type { Pool } from '../lib/db/pool.ts';
import type { ObjectStorage } from '../lib/storage/index.ts';
import type { Logger } from '../lib/log.ts';
import type { KeyStore, Principal } from './auth.ts';
import type { IngestWriterOptions } from '../domains/sensor/ingest/writer.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    principal: Principal;
    /** The app's key store, set for every request so requireRole() needs no argument. */
    keys: KeyStore;
    /** What a write acted on, for the audit log (e.g. "datasets/iris/versions/2"); the path otherwise. */
    auditTarget?: string;
  };
};

export interface AppDeps {
  /** The read-only role: everything the API serves comes through this pool. */
  readPool: Pool;
  /** The ingest role: can only add rows to bronze. */
  ingestPool: Pool;
  /** The registrar role: writes only the registry (models, datasets, runs), the audit log and keys. Without it, those writes answer 503. */
  writePool?: Pool;
  /** Object storage for datasets and artifacts; without it, uploads and downloads answer 503. */
  storage?: StorageDeps;
  /** Starts a run of the model-training pipeline; absent when Temporal is not wired (training answers 503). */
  training?: TrainingStarter;
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

export interface StorageDeps {
  objects: ObjectStorage;
  /** Verifies the filesystem driver's download links (served at /v1/downloads). */
  signingSecret: string;
  uploadMaxBytes: number;
  urlExpirySeconds: number;
  /** Days a deleted dataset stays restorable. */
  retentionDays: number;
  /** The API's address as clients reach it, for download links (default: the request's own origin). */
  publicUrl?: string;
}

/** Starts one training pipeline run; resolves to its Temporal workflow id. */
export type TrainingStarter = (request: { partition: string; params: Record<string, unknown> }) => Promise<{ workflowId: string }>;

export interface ScheduleInfo {
  spec: string;
  timezone: string;
  paused: boolean;
  note?: string;
  nextRuns: string[];
}
