// A request body to stream into object storage: a declared length over the upload limit is 413
// before a byte is read; otherwise the body as a Node stream (storage's own limit stops one that
// turns out longer than it said, and leaves nothing stored).
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { ObjectTooLarge } from '../lib/storage/index.ts';
import { ApiError } from './errors.ts';

export function uploadBody(c: Context, limit: number, what: string): Readable {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > limit) throw new ApiError(413, `the ${what} is ${declared} bytes; the upload limit is ${limit} bytes (UPLOAD_MAX_MB)`);
  if (!c.req.raw.body) throw new ApiError(400, `the request has no body: send the ${what} as the body`);
  return Readable.fromWeb(c.req.raw.body as never);
}

/** The 413 for a body that passed the limit while it streamed. */
export function overLimit(e: unknown, limit: number, what: string): unknown {
  return e instanceof ObjectTooLarge ? new ApiError(413, `the ${what} is over the upload limit of ${limit} bytes (UPLOAD_MAX_MB); nothing was stored`) : e;
}
