// The byte counter and SHA-256 every put runs its body through: the size limit bites while the body
// streams, before the object is stored, and the hash needs no second read.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ObjectTooLarge } from './types.ts';

// (The count is `bytes`, not `size`: lib-storage reads a body's `size` as its total length.)
export class Measure extends Transform {
  bytes = 0;
  private hash = createHash('sha256');
  private digest?: string;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(new ObjectTooLarge(this.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** Hex SHA-256 of everything that went through; call after the stream ended. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
