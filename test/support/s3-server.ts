// A real S3-compatible server for tests: Versity's S3 gateway (posix backend) on a free loopback
// port with its data in a temp dir, ready in about 0.1 s. `.ci/run` builds the binary when absent.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The environment a refinery process needs to use this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Where `.ci/run` installs the gateway (VERSITYGW_PATH overrides). */
export function versitygwPath(): string {
  const path = process.env.VERSITYGW_PATH ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'refinery-tools', 's3', 'versitygw');
  if (!existsSync(path)) {
    throw new Error(
      `the S3 test server is not built: ${path} is missing. Run \`bash .ci/run\`, or ` +
        `GOBIN=${join(homedir(), '.cache/refinery-tools/s3')} go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`,
    );
  }
  return path;
}

export async function startTestS3(bucket = 'refinery-test'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-s3-'));
  const port = await freePort();
  const credentials = { accessKeyId: 'refinery-test', secretAccessKey: 'refinery-test-secret' };
  const child = spawn(versitygwPath(), ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', dir], {
    env: { PATH: process.env.PATH, ROOT_ACCESS_KEY_ID: credentials.accessKeyId, ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, '127.0.0.1', 10_000, () => child.exitCode === null);
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    return {
      endpoint,
      bucket,
      credentials,
      env: {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: endpoint,
        S3_BUCKET: bucket,
        S3_ACCESS_KEY_ID: credentials.accessKeyId,
        S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${stderr}`, { cause: e });
  }
}
