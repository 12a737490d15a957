// The byte buffer both COPY encoders (text and binary) write rows into, handed to the socket in
// chunks of about chunkBytes; it grows for a row larger than that.
export class CopyChunks {
  protected buf: Buffer;
  /** The same bytes, for the binary encoder's big-endian words. */
  protected view: DataView;
  protected pos = 0;

  constructor(protected readonly chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes + 4096);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Bytes encoded since the last take(). */
  get size(): number {
    return this.pos;
  }

  get full(): boolean {
    return this.pos >= this.chunkBytes;
  }

  /** Hands over the encoded bytes and starts a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.chunkBytes + 4096);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    return out;
  }

  /** Room for n more bytes. */
  protected ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }
}
