// API keys: `rfy_<id>_<secret>`. Only the SHA-256 of the secret is stored; the id finds the row.
// The secret is 32 random bytes, so a fast hash is safe here (no dictionary to attack).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type KeyRole = 'device' | 'reader' | 'data_scientist' | 'admin';
export const keyRoles: readonly KeyRole[] = ['device', 'reader', 'data_scientist', 'admin'];

export interface NewKey {
  id: string;
  /** The full key, shown once to whoever created it. */
  token: string;
  secretHash: Buffer;
}

const TOKEN = /^rfy_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function generateKey(): NewKey {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `rfy_${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Splits a presented token into id and secret, or null when it is not shaped like a key. */
export function parseKey(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
