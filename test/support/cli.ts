// Runs the `refinery` CLI as a user would, against this test file's database and task queues.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestStack } from './stack.ts';

const bin = fileURLToPath(new URL('../../bin/refinery', import.meta.url));
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function refineryCli(stack: TestStack, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const full: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REFINERY_HOME: '/nonexistent-refinery-home',
    DATABASE_URL: stack.urls.owner,
    TEMPORAL_ADDRESS: stack.config.temporal.address!,
    REFINERY_TASK_QUEUE_IO: stack.taskQueues.io,
    REFINERY_TASK_QUEUE_COMPUTE: stack.taskQueues.compute,
    ...env,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: full, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
