// The S3-compatible driver (AWS S3, MinIO, Versity's gateway, ...), on AWS SDK v3. Puts stream
// through lib-storage's multipart Upload (a few 8 MiB parts in flight, aborted on any error, so a
// refused body leaves nothing); the SHA-256 computed on the way is kept as the object's tag.
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Measure } from './measure.ts';
import { checkKey, checkPrefix, ObjectNotFound, type ObjectInfo, type ObjectStorage, type PresignOptions, type PutOptions } from './types.ts';

export interface S3Options {
  bucket: string;
  /** Prepended to every key, e.g. "refinery/". */
  prefix?: string;
  region: string;
  /** For S3-compatible servers, e.g. http://127.0.0.1:9000; unset for AWS. */
  endpoint?: string;
  /** Path-style addressing (bucket in the path), which servers addressed by IP need. */
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const SHA_TAG = 'refinery-sha256';
const PART_SIZE = 8 * 1024 * 1024;

function isMissing(e: unknown): boolean {
  return e instanceof S3ServiceException && (e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound');
}

export class S3Storage implements ObjectStorage {
  readonly driver = 's3';
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3Options) {
    this.prefix = options.prefix ? checkPrefix(options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`) : '';
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Only the checksums S3 requires: several S3-compatible servers refuse the SDK's default CRC32 trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private objectKey(key: string): string {
    return this.prefix + checkKey(key);
  }

  uri(key: string): string {
    return `s3://${this.options.bucket}/${this.objectKey(key)}`;
  }

  /** Fails with a readable line when the bucket cannot be reached. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (e) {
      const why = isMissing(e) ? 'does not exist' : (e as Error).message || (e as Error).name;
      throw new Error(`S3_BUCKET: bucket "${this.options.bucket}" at ${this.options.endpoint ?? 'AWS'} is not usable (${why})`, { cause: e });
    }
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.objectKey(key);
    const measure = new Measure(options.maxBytes);
    let streamError: Error | undefined;
    const source = body instanceof Readable ? body : Readable.from(body);
    source.on('error', (e) => measure.destroy(e));
    measure.on('error', (e) => {
      streamError ??= e;
      source.destroy();
    });
    source.pipe(measure);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key, Body: measure, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      throw streamError ?? e;
    }
    if (streamError) throw streamError;
    const info = { key, size: measure.bytes, sha256: measure.sha256() };
    await this.client.send(new PutObjectTaggingCommand({ Bucket: this.options.bucket, Key, Tagging: { TagSet: [{ Key: SHA_TAG, Value: info.sha256 }] } }));
    return { ...info, lastModified: new Date() };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return out.Body as Readable;
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFound(key);
      throw e;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const Key = this.objectKey(key);
    try {
      const [head, tags] = await Promise.all([
        this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key })),
        this.client.send(new GetObjectTaggingCommand({ Bucket: this.options.bucket, Key })).catch(() => undefined),
      ]);
      return { key, size: head.ContentLength ?? 0, sha256: tags?.TagSet?.find((t) => t.Key === SHA_TAG)?.Value, lastModified: head.LastModified };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0, lastModified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** A server-side copy, then a delete of the source (CopyObject takes objects up to 5 GiB). */
  async move(from: string, to: string): Promise<ObjectInfo> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(to),
          CopySource: `${this.options.bucket}/${this.objectKey(from).split('/').map(encodeURIComponent).join('/')}`,
          TaggingDirective: 'COPY',
        }),
      );
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFound(from);
      throw e;
    }
    await this.delete(from);
    return (await this.head(to))!;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  async presign(key: string, options: PresignOptions): Promise<{ url: string; expiresAt: Date }> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: options.filename ? `attachment; filename="${options.filename.replace(/["\\]/g, '_')}"` : undefined,
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
    return { url, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000) };
  }
}
