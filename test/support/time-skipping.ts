// Temporal's time-skipping test server for fast workflow tests: timers and retry backoff elapse
// at once while the workflow waits. Found at TEMPORAL_TEST_SERVER_PATH or where
// test/setup/temporal-test-server/fetch.sh installs it (.ci/run calls it); otherwise the SDK tries to
// download it. One workflow bundle per test file, built once.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { searchAttributeKeys } from '../../engine/temporal/identity.ts';
import { workflowsPath } from '../../engine/temporal/worker.ts';

const pom = readFileSync(new URL('../setup/temporal-test-server/pom.xml', import.meta.url), 'utf8');
const version = /<version>([0-9.]+)<\/version>\s*<\/dependency>/.exec(pom)?.[1];
const installed = join(process.env.REFINERY_TOOLS ?? join(homedir(), '.cache', 'refinery-tools'), `temporal-test-server-${version}`, 'temporal-test-server');

export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH ?? (existsSync(installed) ? installed : undefined);
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* installed already by another test in this process */
  }
  const options = path ? { server: { executable: { type: 'existing-path', path } as const } } : {};
  // The SDK gives the server 5 s to answer; a JVM on a busy machine can take longer the first time.
  let env: TestWorkflowEnvironment;
  for (let attempt = 1; ; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping(options);
      break;
    } catch (e) {
      if (attempt < 3 && /did not start within/.test((e as Error).message)) continue;
      throw new Error(`cannot start Temporal's time-skipping test server (${(e as Error).message}); run test/setup/temporal-test-server/fetch.sh`, {
        cause: e,
      });
    }
  }
  // Child runs carry Refinery's search attributes; the test server silently never starts a child whose attributes it does not know.
  const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(searchAttributeKeys.map((k) => [k.name, IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`]])),
  });
  return env;
}

/**
 * The workflow bundle, built with webpack's filesystem cache (node_modules/.cache/refinery-workflows,
 * one cache per `name`, since test files bundle in parallel): webpack checks every input of the
 * bundle and rebuilds only what changed, a few times faster than a cold build.
 */
function workflowBundle(name: string): Promise<WorkflowBundleWithSourceMap> {
  const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
  const cacheDirectory = fileURLToPath(new URL('../../node_modules/.cache/refinery-workflows', import.meta.url));
  return bundleWorkflowCode({
    workflowsPath,
    logger: quiet,
    webpackConfigHook: (config) => ({ ...config, cache: { type: 'filesystem', cacheDirectory, name } }),
  });
}

export interface StubWorker {
  /** Resolves once the server and the worker run; await it in beforeAll. */
  ready: Promise<void>;
  /** The environment (once ready): its client starts workflows. */
  env: TestWorkflowEnvironment;
  /** Stops the worker and the server, whatever part of them started; call it in afterAll. */
  close(): Promise<void>;
}

/**
 * A time-skipping environment with one worker running the real workflows and the given stub
 * activities on `taskQueue`, for a whole test file: each test only starts workflows, so a case
 * costs milliseconds once the first has warmed the worker. The Java server ignores SIGTERM and
 * outlives a test process that forgets it, so close() tears down whatever started, even when
 * starting failed or timed out half-way.
 */
export function stubWorker(taskQueue: string, activities: object): StubWorker {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const started = timeSkippingEnvironment().then((e) => (env = e));
  const ready = (async () => {
    const [, bundle] = await Promise.all([started, workflowBundle(taskQueue)]);
    worker = await Worker.create({ connection: env!.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    running = worker.run();
  })();
  return {
    ready,
    get env() {
      if (!env) throw new Error('the time-skipping environment is not ready yet: await ready in beforeAll');
      return env;
    },
    async close() {
      await Promise.allSettled([ready, started]);
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await env?.teardown();
    },
  };
}

/** In a stub activity: heartbeat until the workflow cancels it, then throw the cancellation. */
export async function untilCancelled(): Promise<never> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), 50);
  try {
    return await ctx.cancelled;
  } finally {
    clearInterval(beat);
  }
}
