// The local Temporal dev server (`temporal server start-dev`) of `refinery dev` and the test harness.
// The CLI binary is found (TEMPORAL_CLI_PATH, PATH, $(go env GOPATH)/bin), built with Go once, or
// as a last resort downloaded by @temporalio/testing.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ConfigError } from '../../lib/config.ts';
import { searchAttributeKeys } from '../../engine/temporal/identity.ts';

const run = promisify(execFile);
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function goBin(): Promise<string | undefined> {
  try {
    const { stdout } = await run('go', ['env', 'GOPATH']);
    const gopath = stdout.trim().split(delimiter)[0];
    return gopath ? join(gopath, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

/** Where the temporal CLI is, in the documented order, or undefined when none is installed. */
export async function findTemporalCli(configuredPath?: string): Promise<string | undefined> {
  if (configuredPath) {
    if (!isExecutable(configuredPath)) throw new ConfigError(`TEMPORAL_CLI_PATH: ${configuredPath} is not an executable file`);
    return configuredPath;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const bin = await goBin();
  if (bin && isExecutable(join(bin, 'temporal'))) return join(bin, 'temporal');
  return undefined;
}

/** Builds the CLI with `go install` (minutes on 2 cores, once); undefined when Go is not installed. */
export async function buildTemporalCli(say: (line: string) => void): Promise<string | undefined> {
  const bin = await goBin();
  if (!bin) return undefined;
  say(`building the Temporal CLI with Go (${TEMPORAL_CLI_MODULE}); first run only, a few minutes…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${TEMPORAL_CLI_MODULE} exited with ${code}`))));
  });
  say(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s`);
  const path = join(bin, 'temporal');
  return existsSync(path) ? path : undefined;
}

/**
 * The dev server's dynamic config. Task queue priority and fairness (runs ahead of backfill
 * children, see engine/temporal/runs.ts) need the priority-aware matcher, which Temporal 1.29
 * leaves off by default; one partition per task queue keeps priority order exact on a single dev
 * server. Eager activity execution hands a step's activity back to the worker in the reply to the
 * workflow task that scheduled it, with no task queue round trip (halves a step's dispatch cost,
 * see bench/orchestration.ts). The cluster suite's server and docker-compose.yml set the same.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  'matching.useNewMatcher=true',
  'matching.enableFairness=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'system.enableActivityEagerExecution=true',
];

export interface LocalTemporal {
  address: string;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

export interface LocalTemporalOptions {
  cliPath?: string;
  /** SQLite file for a persistent server; omit for in-memory (tests). */
  dbFile?: string;
  port?: number;
  ui?: boolean;
  uiPort?: number;
  namespace: string;
  say: (line: string) => void;
}

/** Starts `temporal server start-dev` with our search attributes registered. */
export async function startLocalTemporal(options: LocalTemporalOptions): Promise<LocalTemporal> {
  let path = await findTemporalCli(options.cliPath);
  if (!path) path = await buildTemporalCli(options.say);
  if (!path) options.say('no Temporal CLI and no Go toolchain: downloading the dev server with @temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: path ? { type: 'existing-path', path } : { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      ui: options.ui ?? false,
      uiPort: options.uiPort,
      dbFilename: options.dbFile,
      namespace: options.namespace,
      searchAttributes: searchAttributeKeys,
      log: { format: 'pretty', level: 'error' },
      extraArgs: DEV_SERVER_DYNAMIC_CONFIG.flatMap((kv) => ['--dynamic-config-value', kv]),
    },
  });
  return {
    address: env.address,
    uiUrl: options.ui ? `http://127.0.0.1:${options.uiPort ?? Number(env.address.split(':').pop()) + 1000}` : undefined,
    namespace: options.namespace,
    stop: () => env.teardown(),
  };
}
