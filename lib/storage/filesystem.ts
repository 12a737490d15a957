// The filesystem driver (the default): objects under <root>/objects/<key>, each with a small JSON
// sidecar under <root>/meta/ holding its SHA-256. A put writes a temporary file and renames it into
// place, so readers never see half an object; signed download URLs point at the API.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Measure } from './measure.ts';
import { DOWNLOAD_PATH, signDownload } from './signed-urls.ts';
import { checkKey, checkPrefix, ObjectNotFound, type ObjectInfo, type ObjectStorage, type PresignOptions, type PutOptions } from './types.ts';

export interface FilesystemOptions {
  root: string;
  /** Signs download URLs that the API serves at /v1/downloads/<token>. */
  signingSecret: string;
}

export class FilesystemStorage implements ObjectStorage {
  readonly driver = 'filesystem';
  private readonly root: string;

  constructor(private readonly options: FilesystemOptions) {
    this.root = resolve(options.root);
  }

  private path(key: string): string {
    return join(this.root, 'objects', ...checkKey(key).split('/'));
  }

  private metaPath(key: string): string {
    return join(this.root, 'meta', ...`${key}.json`.split('/'));
  }

  uri(key: string): string {
    return pathToFileURL(this.path(key)).href;
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<ObjectInfo> {
    const target = this.path(key);
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
    const measure = new Measure(options.maxBytes);
    try {
      await pipeline(body instanceof Readable ? body : Readable.from(body), measure, createWriteStream(tmp, { flags: 'wx' }));
      // The bytes reach the disk before the name does, so a crash never leaves a short object in place.
      const handle = await open(tmp, 'r');
      await handle.sync().finally(() => handle.close());
      const info = { key, size: measure.bytes, sha256: measure.sha256() };
      await mkdir(dirname(this.metaPath(key)), { recursive: true });
      await writeFile(this.metaPath(key), JSON.stringify({ size: info.size, sha256: info.sha256, contentType: options.contentType }));
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      return { ...info, lastModified: new Date() };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.path(key);
    // Open first, so a missing object fails here rather than as a stream error later.
    const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' || e.code === 'EISDIR' ? new ObjectNotFound(key) : e;
    });
    return createReadStream('', { fd: handle, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const path = this.path(key);
    const s = await stat(path).catch(() => null);
    if (!s?.isFile()) return null;
    const meta = await readFile(this.metaPath(key), 'utf8')
      .then((t) => JSON.parse(t) as { size: number; sha256?: string })
      .catch(() => null);
    // A sidecar from an earlier object of the same key does not describe this one.
    const sha256 = meta && meta.size === s.size ? meta.sha256 : undefined;
    return { key, size: s.size, sha256, lastModified: s.mtime };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    const base = join(this.root, 'objects');
    const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) {
          const key = relative(base, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(start ? join(base, ...start.split('/')) : base);
    keys.sort();
    for (const key of keys) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async move(from: string, to: string): Promise<ObjectInfo> {
    const source = this.path(from);
    const target = this.path(to);
    await mkdir(dirname(this.metaPath(to)), { recursive: true });
    await rename(this.metaPath(from), this.metaPath(to)).catch(() => rm(this.metaPath(to), { force: true }));
    await mkdir(dirname(target), { recursive: true });
    await rename(source, target).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new ObjectNotFound(from) : e;
    });
    return (await this.head(to))!;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async presign(key: string, options: PresignOptions): Promise<{ url: string; expiresAt: Date }> {
    checkKey(key);
    if (!options.baseUrl) throw new Error('the filesystem driver needs the API base URL to sign a download');
    const expiresAt = new Date(Date.now() + options.expiresInSeconds * 1000);
    const token = signDownload(this.options.signingSecret, key, expiresAt, options.filename);
    return { url: `${options.baseUrl.replace(/\/$/, '')}${DOWNLOAD_PATH}/${token}`, expiresAt };
  }
}
