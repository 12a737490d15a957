// Retention with the production storage driver: the retention pipeline archives an old day to a real
// S3-compatible server (Versity's gateway) as Parquet, verifies and drops it, and the restore command,
// configured for S3 as an operator would, brings back identical rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { S3Storage } from '../../lib/storage/s3.ts';
import { dayDigest, partitionExists, seedSegments } from '../support/archive-seed.ts';
import { refineryCli } from '../support/cli.ts';
import { runPipeline } from '../support/pipelines.ts';
import { startTestS3, type TestS3 } from '../support/s3-server.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let s3: TestS3;
let storage: S3Storage;
let stack: TestStack;
const DAY = '2026-06-15';

beforeAll(async () => {
  s3 = await startTestS3();
  storage = new S3Storage({ bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
  stack = await createTestStack(import.meta.url, { storage });
  await stack.startWorkers();
  await seedSegments(stack.pools.owner, DAY, 60, 120);
});
afterAll(async () => {
  await stack?.close();
  storage?.client.destroy();
  await s3?.stop();
});

describe('retention on S3', () => {
  it('archives a day to the bucket, drops it only once verified, and restores identical rows', async () => {
    const before = await dayDigest(stack.pools.owner, DAY);
    const summary = await runPipeline(stack, getPipeline('retention'), '2026-11-30');
    expect(summary.status).toBe('succeeded');
    expect(await partitionExists(stack.pools.owner, 'bronze.imu_segments_20260615')).toBe(false);
    const { rows } = await stack.pools.owner.query(`SELECT state, object_key, object_sha256, bytes::int FROM ops.partition_archives WHERE day = $1`, [DAY]);
    expect(rows[0]).toMatchObject({ state: 'dropped', object_key: 'archive/bronze.imu_segments/2026/2026-06-15.parquet' });
    const head = await storage.head(rows[0].object_key);
    expect(head).toMatchObject({ size: rows[0].bytes, sha256: rows[0].object_sha256 });

    const restore = await refineryCli(stack, ['archive', 'restore', 'bronze.imu_segments', '--from', DAY, '--to', DAY], {
      WORKER_DATABASE_URL: stack.urls.worker,
      ...s3.env,
      S3_REGION: 'us-east-1',
    });
    // (stderr holds the AWS SDK's warning about this Node version, nothing of ours)
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('1 day(s) restored, 60 rows, checksums equal to the archived ones');
    expect(await dayDigest(stack.pools.owner, DAY)).toEqual(before);
  });
});
