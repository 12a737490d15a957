// HTTP caching for results that cannot change (a finished run, a finished simulation): a strong
// ETag of the body and a long Cache-Control, answered with 304 when the client has it already.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

export function immutableJson(c: Context, body: unknown, finished: boolean) {
  const text = JSON.stringify(body);
  if (!finished) {
    c.header('Cache-Control', 'no-cache');
    return c.body(text, 200, { 'content-type': 'application/json' });
  }
  const etag = `"${createHash('sha1').update(text).digest('base64url')}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'private, max-age=86400, immutable');
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return c.body(null, 304);
  return c.body(text, 200, { 'content-type': 'application/json' });
}
