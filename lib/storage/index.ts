// Picks the storage driver the configuration names. Everything that stores objects takes an
// ObjectStorage and never knows which driver it got.
import { randomBytes } from 'node:crypto';
import type { StorageConfig } from '../config.ts';
import { FilesystemStorage } from './filesystem.ts';
import type { ObjectStorage } from './types.ts';

export * from './types.ts';
export { BadSignature, DOWNLOAD_PATH, verifyDownload } from './signed-urls.ts';
export { FilesystemStorage } from './filesystem.ts';

export interface OpenedStorage {
  storage: ObjectStorage;
  /** The secret the filesystem driver's download URLs are signed with (the API verifies them). */
  signingSecret: string;
}

/**
 * Without a configured secret, download links are signed with one made for this process alone.
 * The S3 driver (and the AWS SDK) is loaded only when configured. Fails with one readable line
 * when the storage cannot be used (an S3 bucket that is missing or unreachable).
 */
export async function openStorage(config: StorageConfig): Promise<OpenedStorage> {
  const signingSecret = config.signingSecret ?? randomBytes(32).toString('base64url');
  if (config.driver === 's3') {
    const { S3Storage } = await import('./s3.ts');
    const { bucket, prefix, region, endpoint, forcePathStyle, credentials } = config;
    const storage = new S3Storage({ bucket, prefix, region, endpoint, forcePathStyle, credentials });
    await storage.check();
    return { storage, signingSecret };
  }
  return { storage: new FilesystemStorage({ root: config.dir, signingSecret }), signingSecret } satisfies { storage: ObjectStorage; signingSecret: string };
}
