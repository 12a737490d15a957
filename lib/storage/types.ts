// Object storage: one interface for every driver (the local filesystem, S3-compatible servers), so
// datasets, model artifacts and archived partitions are written once and read anywhere. Bodies
// stream in and out; nothing here holds a whole object in memory.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes, recorded when the object was written (absent for objects written by others). */
  sha256?: string;
  lastModified?: Date;
}

export interface PutOptions {
  /** Refuse (ObjectTooLarge) once the body passes this many bytes; nothing is left stored. */
  maxBytes?: number;
  contentType?: string;
}

export interface PresignOptions {
  expiresInSeconds: number;
  /** Name the browser saves the download under. */
  filename?: string;
  /** Where the API serves signed downloads (filesystem driver only), e.g. "http://127.0.0.1:8080". */
  baseUrl?: string;
}

export interface Presigned {
  url: string;
  expiresAt: Date;
}

export interface ObjectStorage {
  readonly driver: 'filesystem' | 's3';
  /** Where a key lives, for the registry: file:///abs/path or s3://bucket/prefix/key. */
  uri(key: string): string;
  /** Streams body to key; returns its size and SHA-256. Readers never see a partly written object. */
  put(key: string, body: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes, or bytes start..end (inclusive) of it. Throws ObjectNotFound. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Size and SHA-256 of an object, or null when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Every object whose key starts with prefix, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Renames an object (its hash goes with it); replaces what was at `to`. Throws ObjectNotFound. */
  move(from: string, to: string): Promise<ObjectInfo>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** A URL anyone can GET the object from until it expires. */
  presign(key: string, options: PresignOptions): Promise<Presigned>;
}

export class ObjectNotFound extends Error {
  override name = 'ObjectNotFound';
  constructor(readonly key: string) {
    super(`no object ${key}`);
  }
}

export class ObjectTooLarge extends Error {
  override name = 'ObjectTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the body is larger than the limit of ${maxBytes} bytes`);
  }
}

export class InvalidKey extends Error {
  override name = 'InvalidKey';
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._=-]*$/;

/** Keys are relative paths of plain segments ("datasets/iris/ab12….csv"): no "..", no leading "/". */
export function checkKey(key: string): string {
  if (key.length === 0 || key.length > 900) throw new InvalidKey(`object key must be 1-900 characters (got ${key.length})`);
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidKey(`object key "${key}": segment "${segment}" must be letters, digits, ".", "_", "=" or "-" and not start with "." or "-"`);
    }
  }
  return key;
}

/** A prefix is a key's start: empty, or segments with an optional trailing "/". */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
