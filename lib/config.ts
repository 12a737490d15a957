// Refinery's configuration: read from the environment once, validated with zod, passed down.
// No other module reads process.env; a bad value fails fast with one readable line (TLS files are
// read and parsed here too, so a bad certificate stops the process before it connects anywhere).
// While `refinery dev` runs, it publishes its URLs in <REFINERY_HOME>/stack.json, so other
// commands (`refinery run`, `keys`, ...) in another terminal, in any folder of the project, find it.
// Over 300 lines on purpose: one schema for every setting keeps "read once, in one place" true.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a postgres:// URL with a host, e.g. postgres://user:pass@localhost:5432/refinery');

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const identifier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'must be 1-200 letters, digits, dots, dashes or underscores');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^/\s]+/.test(v), 'must be an http:// or https:// URL, e.g. http://127.0.0.1:9000');

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  WORKER_DATABASE_URL: postgresUrl.optional(),
  INGEST_DATABASE_URL: postgresUrl.optional(),
  API_DATABASE_URL: postgresUrl.optional(),
  REGISTRAR_DATABASE_URL: postgresUrl.optional(),
  ANALYST_DATABASE_URL: postgresUrl.optional(),
  STORAGE_DRIVER: z.enum(['filesystem', 's3'], { error: 'must be filesystem or s3' }).default('filesystem'),
  STORAGE_DIR: z.string().trim().min(1).optional(),
  STORAGE_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  STORAGE_URL_EXPIRY_SECONDS: wholeNumber(1, 604_800).default(3600),
  S3_BUCKET: z.string().trim().min(3, 'must be a bucket name').optional(),
  S3_ENDPOINT: httpUrl.optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_PREFIX: z.string().trim().optional(),
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  UPLOAD_MAX_MB: wholeNumber(1, 1_000_000).default(200),
  DATASET_RETENTION_DAYS: wholeNumber(0, 36_500).default(30),
  API_PUBLIC_URL: httpUrl.optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: identifier.default('default'),
  TEMPORAL_CLI_PATH: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name, e.g. my-ns.a1b2c.tmprl.cloud')
    .optional(),
  TEMPORAL_API_KEY: z.string().trim().min(1, 'must not be blank').optional(),
  WORKER_METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  WORKER_METRICS_PORT: port.optional(),
  WORKER_DATABASE_POOL_MAX: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(20),
  TEMPORAL_UI_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL, e.g. http://localhost:8233')
    .optional(),
  REFINERY_TASK_QUEUE_IO: identifier.default('refinery-io'),
  REFINERY_TASK_QUEUE_COMPUTE: identifier.default('refinery-compute'),
  REFINERY_HOME: z.string().trim().min(1).optional(),
  REFINERY_LANDING_DIR: z.string().trim().min(1).optional(),
  API_HOST: z.string().trim().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  API_REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1000, 'must be at least 1000')
    .max(600_000, 'must be at most 600000')
    .default(30_000),
  API_CORS_ORIGINS: z
    .string()
    .trim()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  REFINERY_LIVE: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.infer<typeof schema>;

export interface Config {
  /** Owner connection (migrations, provisioning). Unset: the embedded server of `refinery dev`. */
  databaseUrl?: string;
  /** Per-role connections; each falls back to the one `refinery dev` provisions. */
  workerDatabaseUrl?: string;
  ingestDatabaseUrl?: string;
  apiDatabaseUrl?: string;
  temporal: {
    address?: string;
    namespace: string;
    cliPath?: string;
    /** TLS towards the frontend (mTLS with a client pair); undefined means plaintext, unless apiKey is set. */
    tls?: TemporalTls;
    /** Temporal Cloud API key (sent as a bearer token, always over TLS). */
    apiKey?: string;
    /** The Temporal Web UI every run links to (unset: no links). */
    uiUrl?: string;
  };
  /** The worker's Prometheus metrics and health endpoint; no port means not served. */
  workerMetrics: { host: string; port?: number };
  /** Connections each worker process may open to PostgreSQL (README "Sizing"). */
  workerPoolMax: number;
  /** The API's registry writer: may write only the registry, datasets and audit tables. */
  registrarDatabaseUrl?: string;
  /** The analyst login `refinery roles provision` creates (reads bronze, silver, gold, registry). */
  analystDatabaseUrl?: string;
  storage: StorageConfig;
  /** Largest upload the API accepts (datasets, artifacts), in bytes. */
  uploadMaxBytes: number;
  /** Days a deleted dataset is kept (restorable) before its objects are purged. */
  datasetRetentionDays: number;
  taskQueues: { io: string; compute: string };
  home: string;
  /** Where landing files (tournament CSVs) are dropped, one folder per partition; default <home>/landing. */
  landingDir: string;
  /**
   * requestTimeoutMs: a request whose body has not fully arrived by then is answered 408 and closed.
   * live: classify devices' windows while they post (REFINERY_LIVE).
   */
  api: { host: string; port: number; corsOrigins: string[]; requestTimeoutMs: number; live: boolean; publicUrl?: string };
  logLevel: Env['LOG_LEVEL'];
}

/** The shape of the Temporal SDK's TLS options, filled from the TEMPORAL_TLS_* files. */
export interface TemporalTls {
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverNameOverride?: string;
}

export type StorageConfig = (
  | { driver: 'filesystem'; dir: string }
  | {
      driver: 's3';
      bucket: string;
      prefix?: string;
      region: string;
      endpoint?: string;
      forcePathStyle: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    }
) & {
  /** Signs the filesystem driver's download URLs; the API makes one per process when unset. */
  signingSecret?: string;
  urlExpirySeconds: number;
};

/** What `refinery dev` publishes while it runs (the file is gitignored and readable only by its owner). */
export interface RunningStack {
  pid: number;
  env: Record<string, string>;
  urls: Record<string, string>;
}

/**
 * Where the embedded stack lives when REFINERY_HOME is unset: the `.refinery` folder of the nearest
 * enclosing folder that has one, else of the nearest one with a package.json (the project root),
 * so commands run in any subfolder of the project find the stack `refinery dev` started.
 */
export function defaultHome(cwd: string): string {
  let project: string | undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.refinery'))) return join(dir, '.refinery');
    if (!project && existsSync(join(dir, 'package.json'))) project = dir;
    if (dirname(dir) === dir) break;
  }
  return join(project ?? resolve(cwd), '.refinery');
}

export function stackFile(home: string): string {
  return join(home, 'stack.json');
}

/** The running dev stack published under home, or undefined when none is running. */
export function readRunningStack(home: string): RunningStack | undefined {
  try {
    const stack = JSON.parse(readFileSync(stackFile(home), 'utf8')) as RunningStack;
    process.kill(stack.pid, 0);
    return stack;
  } catch {
    return undefined;
  }
}

/**
 * Parses the environment; throws ConfigError naming the first bad variable and why.
 * Unless useRunningStack is false, unset variables are filled from a running `refinery dev`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: { useRunningStack?: boolean; cwd?: string } = {}): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  let cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const home = cleaned.REFINERY_HOME ?? defaultHome(options.cwd ?? process.cwd());
  if (options.useRunningStack !== false) {
    const stack = readRunningStack(home);
    if (stack) cleaned = { ...stack.env, ...cleaned };
  }
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'config');
    const secret = name.endsWith('DATABASE_URL') || name.endsWith('API_KEY') || name.endsWith('SECRET') || name.endsWith('SECRET_ACCESS_KEY');
    const shown = secret ? '' : ` (got ${JSON.stringify(cleaned[name])})`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.REFINERY_TASK_QUEUE_IO === e.REFINERY_TASK_QUEUE_COMPUTE) {
    throw new ConfigError('REFINERY_TASK_QUEUE_COMPUTE: must differ from REFINERY_TASK_QUEUE_IO');
  }
  const refineryHome = e.REFINERY_HOME ?? home;
  if (e.STORAGE_DRIVER === 's3' && !e.S3_BUCKET) throw new ConfigError('S3_BUCKET: required when STORAGE_DRIVER=s3');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(`${e.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'}: set both S3 keys or neither`);
  }
  const common = { signingSecret: e.STORAGE_SIGNING_SECRET, urlExpirySeconds: e.STORAGE_URL_EXPIRY_SECONDS };
  const storage: StorageConfig =
    e.STORAGE_DRIVER === 's3'
      ? {
          driver: 's3',
          bucket: e.S3_BUCKET!,
          prefix: e.S3_PREFIX || undefined,
          region: e.S3_REGION,
          endpoint: e.S3_ENDPOINT,
          // Servers addressed by IP or port need the bucket in the path; AWS itself takes either.
          forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : Boolean(e.S3_ENDPOINT),
          credentials: e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! } : undefined,
          ...common,
        }
      : { driver: 'filesystem', dir: e.STORAGE_DIR ?? join(refineryHome, 'objects'), ...common };
  return {
    databaseUrl: e.DATABASE_URL,
    workerDatabaseUrl: e.WORKER_DATABASE_URL,
    ingestDatabaseUrl: e.INGEST_DATABASE_URL,
    apiDatabaseUrl: e.API_DATABASE_URL,
    registrarDatabaseUrl: e.REGISTRAR_DATABASE_URL,
    analystDatabaseUrl: e.ANALYST_DATABASE_URL,
    storage,
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    datasetRetentionDays: e.DATASET_RETENTION_DAYS,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      tls: temporalTls(e),
      apiKey: e.TEMPORAL_API_KEY,
      uiUrl: e.TEMPORAL_UI_URL,
    },
    workerMetrics: { host: e.WORKER_METRICS_HOST, port: e.WORKER_METRICS_PORT },
    workerPoolMax: e.WORKER_DATABASE_POOL_MAX,
    taskQueues: { io: e.REFINERY_TASK_QUEUE_IO, compute: e.REFINERY_TASK_QUEUE_COMPUTE },
    home: refineryHome,
    landingDir: e.REFINERY_LANDING_DIR ?? join(refineryHome, 'landing'),
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      corsOrigins: e.API_CORS_ORIGINS,
      requestTimeoutMs: e.API_REQUEST_TIMEOUT_MS,
      live: e.REFINERY_LIVE === 'on',
      publicUrl: e.API_PUBLIC_URL,
    },
    logLevel: e.LOG_LEVEL,
  };
}

function readPem(variable: string, path: string, kind: 'certificate' | 'key'): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (e) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch {
    throw new ConfigError(`${variable}: ${path} is not a PEM ${kind === 'certificate' ? 'certificate' : 'private key'}`);
  }
  return pem;
}

/** TLS options from TEMPORAL_TLS_*: files read and parsed now, the pair checked to belong together. */
function temporalTls(e: Env): TemporalTls | undefined {
  if (!e.TEMPORAL_TLS_CERT && !e.TEMPORAL_TLS_KEY && !e.TEMPORAL_TLS_CA && !e.TEMPORAL_TLS_SERVER_NAME) return undefined;
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    const [missing, given] = e.TEMPORAL_TLS_CERT ? ['TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CERT'] : ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'];
    throw new ConfigError(`${missing}: required with ${given} (a client certificate and its private key go together)`);
  }
  const tls: TemporalTls = {};
  if (e.TEMPORAL_TLS_CA) tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA', e.TEMPORAL_TLS_CA, 'certificate');
  if (e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY) {
    const crt = readPem('TEMPORAL_TLS_CERT', e.TEMPORAL_TLS_CERT, 'certificate');
    const key = readPem('TEMPORAL_TLS_KEY', e.TEMPORAL_TLS_KEY, 'key');
    if (!new X509Certificate(crt).checkPrivateKey(createPrivateKey(key))) {
      throw new ConfigError(`TEMPORAL_TLS_KEY: ${e.TEMPORAL_TLS_KEY} is not the private key of the certificate in ${e.TEMPORAL_TLS_CERT}`);
    }
    tls.clientCertPair = { crt, key };
  }
  if (e.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = e.TEMPORAL_TLS_SERVER_NAME;
  return tls;
}

/** Returns the URL a role connects with, or fails with a line saying which variable to set. */
export function requireUrl(config: Config, role: 'owner' | 'worker' | 'ingest' | 'api' | 'registrar' | 'analyst'): string {
  const [value, variable] = {
    owner: [config.databaseUrl, 'DATABASE_URL'],
    worker: [config.workerDatabaseUrl, 'WORKER_DATABASE_URL'],
    ingest: [config.ingestDatabaseUrl, 'INGEST_DATABASE_URL'],
    api: [config.apiDatabaseUrl, 'API_DATABASE_URL'],
    registrar: [config.registrarDatabaseUrl, 'REGISTRAR_DATABASE_URL'],
    analyst: [config.analystDatabaseUrl, 'ANALYST_DATABASE_URL'],
  }[role] as [string | undefined, string];
  if (!value) {
    throw new ConfigError(`${variable}: required for this command (run \`refinery dev\` for an embedded stack, or see README "Database roles")`);
  }
  return value;
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
