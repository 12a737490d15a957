// Signed download URLs for the filesystem driver, served by the API: the token carries the key and
// its expiry, and an HMAC-SHA256 over both with a secret only the API processes know.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class BadSignature extends Error {
  override name = 'BadSignature';
}

export const DOWNLOAD_PATH = '/v1/downloads';

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signDownload(secret: string, key: string, expiresAt: Date, filename?: string): string {
  const payload = Buffer.from(JSON.stringify({ k: key, e: Math.floor(expiresAt.getTime() / 1000), ...(filename ? { f: filename } : {}) })).toString(
    'base64url',
  );
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The key (and file name) a token grants, or BadSignature saying why not. */
export function verifyDownload(secret: string, token: string, now = new Date()): { key: string; filename?: string } {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new BadSignature('the download link is malformed');
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadSignature('the download link is not valid');
  const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: string; e: number; f?: string };
  if (body.e * 1000 < now.getTime()) throw new BadSignature('the download link has expired');
  return { key: body.k, filename: body.f };
}
