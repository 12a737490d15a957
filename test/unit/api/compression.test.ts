// The API's gzip middleware on its own (no server): the length it declares is the length it sends,
// whatever the handler declared for the identity body (a static file declares its size on disk),
// and small, streamed-large and unacceptable cases pass through untouched.
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { compression } from '../../../api/compression.ts';

const text = 'const views = ["runs", "grid", "models", "devices", "tournament"];\n'.repeat(80);

function app() {
  return new Hono()
    .use('*', compression())
    .get('/declared', (c) => c.body(text, 200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }))
    .get('/json', (c) => c.json({ text }))
    .get('/small', (c) => c.json({ ok: true }))
    .get('/large', (c) => c.body('x'.repeat(2 * 1024 * 1024), 200, { 'content-type': 'text/csv', 'content-length': String(2 * 1024 * 1024) }));
}
const gz = { 'accept-encoding': 'gzip, deflate, br' };

describe('compression', () => {
  it('declares the compressed length, not the identity body’s length the handler declared', async () => {
    const res = await app().request('/declared', { headers: gz });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.byteLength);
    expect(body.byteLength).toBeLessThan(Buffer.byteLength(text));
    expect(gunzipSync(body).toString()).toBe(text);
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
  });

  it('compresses JSON bodies that declare no length', async () => {
    const res = await app().request('/json', { headers: gz });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString())).toEqual({ text });
  });

  it('leaves small bodies, clients that do not accept gzip, and large declared bodies (streamed as they are) alone', async () => {
    const small = await app().request('/small', { headers: gz });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.json()).toEqual({ ok: true });
    const identity = await app().request('/declared');
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(await identity.text()).toBe(text);
    const large = await app().request('/large', { headers: gz });
    expect(large.headers.get('content-encoding')).toBeNull();
    expect(Number(large.headers.get('content-length'))).toBe(2 * 1024 * 1024);
  });
});
