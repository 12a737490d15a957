// Model artifacts in object storage: a version's serialised model is written once under a key
// named by its SHA-256 (models/<model>/<sha256>.json), and the registry keeps key, URI, size and
// hash; reading one back checks the hash, so a changed or truncated object is never loaded.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectStorage } from '../../lib/storage/index.ts';

export interface StoredArtifact {
  key: string;
  uri: string;
  size: number;
  sha256: string;
  format: string;
}

export class ArtifactCorrupt extends Error {
  override name = 'ArtifactCorrupt';
}

/** Stores a JSON-serialisable model; the same bytes land on the same key. */
export async function storeJsonArtifact(storage: ObjectStorage, model: string, value: unknown): Promise<StoredArtifact> {
  const bytes = Buffer.from(JSON.stringify(value));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = `models/${model}/${sha256}.json`;
  const existing = await storage.head(key);
  const info = existing?.sha256 === sha256 ? existing : await storage.put(key, Readable.from([bytes]), { contentType: 'application/json' });
  return { key, uri: storage.uri(key), size: info.size, sha256, format: 'refinery-forest+json' };
}

export async function readJsonArtifact<T>(storage: ObjectStorage, key: string, sha256: string): Promise<T> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  for await (const chunk of await storage.get(key)) {
    hash.update(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) throw new ArtifactCorrupt(`artifact ${key} has SHA-256 ${actual}, the registry recorded ${sha256}`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}
