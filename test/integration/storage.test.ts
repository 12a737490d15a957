// One contract for every storage driver, run against real servers: the filesystem driver with its
// signed links served over HTTP by the API's download route, and the S3 driver against a real
// S3-compatible server (Versity's gateway) started for this file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { serve, type ServerType } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadsRouter } from '../../api/routes/downloads/downloads.index.ts';
import { onError } from '../../api/errors.ts';
import { createLogger } from '../../lib/log.ts';
import { FilesystemStorage, InvalidKey, ObjectNotFound, ObjectTooLarge, type ObjectStorage } from '../../lib/storage/index.ts';
import { S3Storage } from '../../lib/storage/s3.ts';
import { startTestS3, type TestS3 } from '../support/s3-server.ts';

interface Driver {
  storage: ObjectStorage;
  /** Where presigned links are fetched from (the API for the filesystem driver). */
  baseUrl?: string;
  close(): Promise<void>;
}

async function filesystemDriver(): Promise<Driver> {
  const root = mkdtempSync(join(tmpdir(), 'refinery-fs-storage-'));
  const secret = randomBytes(32).toString('hex');
  const storage = new FilesystemStorage({ root, signingSecret: secret });
  const app = new OpenAPIHono();
  app.onError(onError(createLogger('silent', 'test')));
  app.route('/v1/downloads', downloadsRouter({ objects: storage, signingSecret: secret, uploadMaxBytes: 1, urlExpirySeconds: 60, retentionDays: 1 }));
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  return {
    storage,
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function s3Driver(): Promise<Driver> {
  const s3: TestS3 = await startTestS3();
  const storage = new S3Storage({
    bucket: s3.bucket,
    prefix: 'contract',
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
  });
  return {
    storage,
    async close() {
      storage.client.destroy();
      await s3.stop();
    },
  };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** n bytes of a repeating pattern, produced in chunks (never one buffer of n bytes). */
function patterned(n: number, chunk = 1 << 20): Readable & { digest(): string } {
  let sent = 0;
  const hash = createHash('sha256');
  const stream = Readable.from(
    (function* () {
      while (sent < n) {
        const size = Math.min(chunk, n - sent);
        const b = Buffer.alloc(size, (sent / chunk) % 251);
        hash.update(b);
        sent += size;
        yield b;
      }
    })(),
  );
  return Object.assign(stream, { digest: () => hash.digest('hex') });
}

async function keys(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of storage.list(prefix)) out.push(o.key);
  return out;
}

describe.each([
  ['filesystem', filesystemDriver],
  ['s3 (VersityGW)', s3Driver],
] as const)('storage contract: %s', (_name, open) => {
  let d: Driver;
  beforeAll(async () => {
    d = await open();
  });
  afterAll(() => d?.close());

  it('stores a body and gives it back with its size and SHA-256', async () => {
    const body = Buffer.from('id,value\n1,2.5\n2,"a, b"\n');
    const info = await d.storage.put('datasets/iris/one.csv', Readable.from([body]), { contentType: 'text/csv' });
    expect(info).toMatchObject({ key: 'datasets/iris/one.csv', size: body.length, sha256: sha256(body) });
    expect(await text(await d.storage.get('datasets/iris/one.csv'))).toBe(body.toString());
    expect(await d.storage.head('datasets/iris/one.csv')).toMatchObject({ size: body.length, sha256: sha256(body) });
    expect(d.storage.uri('datasets/iris/one.csv')).toMatch(
      d.storage.driver === 's3' ? /^s3:\/\/refinery-test\/contract\/datasets\/iris\/one\.csv$/ : /^file:\/\/\/.*\/datasets\/iris\/one\.csv$/,
    );
  });

  it('streams a 24 MiB body in and out (several multipart parts) with the right hash', async () => {
    const body = patterned(24 * 1024 * 1024);
    const info = await d.storage.put('big/blob.bin', body);
    expect(info.size).toBe(24 * 1024 * 1024);
    expect(info.sha256).toBe(body.digest());
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await d.storage.get('big/blob.bin')) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    expect({ size, sha256: hash.digest('hex') }).toEqual({ size: info.size, sha256: info.sha256 });
  });

  it('reads a byte range', async () => {
    await d.storage.put('range/abc.txt', Readable.from([Buffer.from('0123456789abcdef')]));
    expect(await text(await d.storage.get('range/abc.txt', { start: 10, end: 15 }))).toBe('abcdef');
    expect(await text(await d.storage.get('range/abc.txt', { start: 0, end: 0 }))).toBe('0');
  });

  it('refuses a body over the limit and stores nothing, keeping an earlier object of the key', async () => {
    await expect(d.storage.put('limit/new.bin', patterned(12 * 1024 * 1024), { maxBytes: 10 * 1024 * 1024 })).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(await d.storage.head('limit/new.bin')).toBeNull();
    expect(await keys(d.storage, 'limit/')).toEqual([]);

    await d.storage.put('limit/kept.txt', Readable.from([Buffer.from('old')]));
    await expect(d.storage.put('limit/kept.txt', patterned(2048, 512), { maxBytes: 1024 })).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(await text(await d.storage.get('limit/kept.txt'))).toBe('old');
  });

  it('stores nothing when the body fails half way', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(64 * 1024, 1);
        throw new Error('client went away');
      })(),
    );
    await expect(d.storage.put('broken/half.bin', failing)).rejects.toThrow(/client went away/);
    expect(await d.storage.head('broken/half.bin')).toBeNull();
  });

  it('overwrites a key with new bytes and a new hash', async () => {
    await d.storage.put('over/x.txt', Readable.from([Buffer.from('first')]));
    const second = await d.storage.put('over/x.txt', Readable.from([Buffer.from('second!')]));
    expect(await d.storage.head('over/x.txt')).toMatchObject({ size: 7, sha256: second.sha256 });
    expect(await text(await d.storage.get('over/x.txt'))).toBe('second!');
  });

  it('lists by prefix in key order, and deletes (a missing key too)', async () => {
    for (const k of ['list/b/2.txt', 'list/a/1.txt', 'list/b/1.txt', 'listing/other.txt']) await d.storage.put(k, Readable.from([Buffer.from(k)]));
    expect(await keys(d.storage, 'list/')).toEqual(['list/a/1.txt', 'list/b/1.txt', 'list/b/2.txt']);
    expect(await keys(d.storage, 'list/b/')).toEqual(['list/b/1.txt', 'list/b/2.txt']);
    expect(await keys(d.storage, 'list')).toEqual(['list/a/1.txt', 'list/b/1.txt', 'list/b/2.txt', 'listing/other.txt']);
    const listed = [];
    for await (const o of d.storage.list('list/a/')) listed.push(o);
    expect(listed[0]).toMatchObject({ key: 'list/a/1.txt', size: 'list/a/1.txt'.length });
    await d.storage.delete('list/b/1.txt');
    await d.storage.delete('list/b/never-was.txt');
    expect(await keys(d.storage, 'list/b/')).toEqual(['list/b/2.txt']);
    expect(await d.storage.head('list/b/1.txt')).toBeNull();
  });

  it('moves an object with its hash, replacing what was at the target', async () => {
    const body = Buffer.from('staged bytes');
    await d.storage.put('staging/abc.part', Readable.from([body]));
    await d.storage.put('final/x.csv', Readable.from([Buffer.from('older')]));
    const moved = await d.storage.move('staging/abc.part', 'final/x.csv');
    expect(moved).toMatchObject({ key: 'final/x.csv', size: body.length, sha256: sha256(body) });
    expect(await d.storage.head('staging/abc.part')).toBeNull();
    expect(await text(await d.storage.get('final/x.csv'))).toBe('staged bytes');
    await expect(d.storage.move('staging/gone.part', 'final/y.csv')).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('says what is missing', async () => {
    await expect(d.storage.get('nope/missing.txt')).rejects.toBeInstanceOf(ObjectNotFound);
    expect(await d.storage.head('nope/missing.txt')).toBeNull();
    expect(await keys(d.storage, 'nope/')).toEqual([]);
  });

  it('refuses keys that could escape their place', async () => {
    for (const bad of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', '.hidden', 'a b']) {
      await expect(d.storage.put(bad, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(InvalidKey);
    }
  });

  it('hands out a presigned URL that works until it expires, and not when tampered with', async () => {
    const body = Buffer.from(randomBytes(3000));
    await d.storage.put('shared/model.bin', Readable.from([body]));
    const link = await d.storage.presign('shared/model.bin', { expiresInSeconds: 60, filename: 'model.bin', baseUrl: d.baseUrl });
    expect(link.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('model.bin');
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);

    const tampered = link.url.replace(/.(?=[^.]*$)/, (ch) => (ch === 'A' ? 'B' : 'A'));
    expect((await fetch(tampered)).status).toBe(403);
    // Another object's key under the same signature: the last path segment, one letter changed.
    const other = new URL(link.url);
    const segments = other.pathname.split('/');
    const last = segments.pop()!;
    const at = Math.floor(last.length / 4);
    other.pathname = [...segments, last.slice(0, at) + (last[at] === 'x' ? 'y' : 'x') + last.slice(at + 1)].join('/');
    expect((await fetch(other)).status).toBe(403);

    const short = await d.storage.presign('shared/model.bin', { expiresInSeconds: 1, baseUrl: d.baseUrl });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await fetch(short.url)).status).toBe(403);
  });
});
