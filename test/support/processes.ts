// Real `refinery` processes for tests that kill and restart them (workers, the API).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import type { TestStack } from './stack.ts';

const bin = fileURLToPath(new URL('../../bin/refinery', import.meta.url));

export interface RefineryProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when the process printed a line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The environment a worker or API process of this test file needs. */
export function stackEnv(stack: TestStack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REFINERY_HOME: '/nonexistent-refinery-home',
    DATABASE_URL: stack.urls.owner,
    WORKER_DATABASE_URL: stack.urls.worker,
    INGEST_DATABASE_URL: stack.urls.ingest,
    API_DATABASE_URL: stack.urls.api,
    REGISTRAR_DATABASE_URL: stack.urls.registrar,
    STORAGE_DIR: stack.storageDir,
    STORAGE_SIGNING_SECRET: stack.signingSecret,
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    REFINERY_TASK_QUEUE_IO: stack.taskQueues.io,
    REFINERY_TASK_QUEUE_COMPUTE: stack.taskQueues.compute,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function startRefinery(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): RefineryProcess {
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`refinery ${args.join(' ')} exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`refinery ${args.join(' ')} never printed ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Workers a crash test starts and restarts on its stack (each on every queue), all stopped by `stopAll`. */
export function workerFleet(stack: () => TestStack) {
  const started: RefineryProcess[] = [];
  return {
    start(): RefineryProcess {
      const worker = startRefinery(['worker', '--queue', 'all'], stackEnv(stack()));
      started.push(worker);
      return worker;
    },
    async stopAll(): Promise<void> {
      for (const worker of started) await worker.kill();
    },
  };
}

/** A `refinery api` process on the test stack, on a free port, once it listens. */
export async function startApiProcess(stack: TestStack, extra: Record<string, string> = {}): Promise<{ url: string; api: RefineryProcess }> {
  const port = await freePort();
  const api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), ...extra }));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  return { url: `http://127.0.0.1:${port}`, api };
}
