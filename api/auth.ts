// API keys on requests: `Authorization: Bearer rfy_…` (or `X-API-Key`), looked up in ops.api_keys
// by id and checked against the stored hash. Roles: device (bound to one device), reader,
// data_scientist (what a reader may, plus datasets, models, training and tracking), admin (all,
// including keys and the audit log).
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Pool } from '../lib/db/pool.ts';
import { findApiKey, type StoredKey } from '../lib/db/api-keys.ts';
import { parseKey, secretMatches, type KeyRole } from '../lib/keys.ts';
import { ApiError } from './errors.ts';
import type { AppEnv } from './types.ts';

export interface Principal {
  keyId: string;
  role: KeyRole;
  deviceId?: string;
}

interface KeyEntry {
  key: StoredKey | null;
  until: number;
  /** The secret last presented that matched the key's hash. */
  verified?: Buffer;
}

/**
 * Reads keys with the API's read-only role; remembers them briefly so each request costs no query.
 * With each remembered key, the secret last presented that matched its hash: the same bytes again
 * are accepted by a constant-time comparison instead of a SHA-256 (≈10× cheaper per request; equal
 * bytes have the same hash, so the verdict is the one the hash would give). The secret lives only as
 * long as the key's entry (ttlMs, or until forget()), so revocation bites within the same bound.
 */
export class KeyStore {
  private cache = new Map<string, KeyEntry>();

  constructor(
    private pool: Pool,
    /** How long a key (or its absence) is remembered; also the longest a revocation takes to bite. */
    private ttlMs = 30_000,
  ) {}

  /**
   * The key whose id and secret these are, when the secret matches and the key is not revoked; null
   * otherwise. Synchronous while the key is remembered (no promise per request); a promise when it
   * has to be read.
   */
  verify(id: string, secret: string): StoredKey | null | Promise<StoredKey | null> {
    const remembered = this.verifyRemembered(id, secret);
    return remembered !== undefined ? remembered : this.read(id).then((entry) => this.check(entry, secret));
  }

  /** verify() for a key held in memory; undefined when it is not (or no longer) remembered. */
  verifyRemembered(id: string, secret: string): StoredKey | null | undefined {
    const hit = this.cache.get(id);
    return hit && hit.until > Date.now() ? this.check(hit, secret) : undefined;
  }

  private check(entry: KeyEntry, secret: string): StoredKey | null {
    const key = entry.key;
    if (!key || key.revoked) return null;
    const presented = Buffer.from(secret);
    if (entry.verified?.length === presented.length && timingSafeEqual(entry.verified, presented)) return key;
    if (!secretMatches(secret, key.secretHash)) return null;
    entry.verified = presented;
    return key;
  }

  private async read(id: string): Promise<KeyEntry> {
    const fresh: KeyEntry = { key: await findApiKey(this.pool, id), until: Date.now() + this.ttlMs };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, fresh);
    return fresh;
  }

  /** Drops a key from memory (after this process revoked it), so the revocation bites here at once. */
  forget(id: string): void {
    this.cache.delete(id);
  }
}

/** The token a request presents: X-API-Key, or Authorization: Bearer. */
export function presentedToken(header: string | null | undefined, apiKey: string | null | undefined): string | undefined {
  if (apiKey) return apiKey.trim();
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m?.[1];
}

/** Roles that include others: a data scientist may do what a reader may. */
const includes: Partial<Record<KeyRole, KeyRole[]>> = { data_scientist: ['reader'] };

export function roleAllows(role: KeyRole, needed: readonly KeyRole[]): boolean {
  return role === 'admin' || needed.includes(role) || (includes[role] ?? []).some((r) => needed.includes(r));
}

/**
 * Requires a valid key whose role is one of `roles` (admin is always allowed; data_scientist
 * wherever reader is). The key store comes
 * from the request context (set once by the app), so route definitions can name their roles
 * statically.
 */
export function requireRole(...roles: KeyRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const keys = c.get('keys');
    const token = presentedToken(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!token) throw new ApiError(401, 'an API key is required: send "Authorization: Bearer <key>"');
    const parsed = parseKey(token);
    const verdict = parsed ? keys.verify(parsed.id, parsed.secret) : null;
    const stored = verdict instanceof Promise ? await verdict : verdict;
    if (!parsed || !stored) {
      throw new ApiError(401, 'the API key is not valid or has been revoked');
    }
    // Known before the role check, so the audit log can say which key tried a write it may not make.
    c.set('principal', { keyId: parsed.id, role: stored.role, deviceId: stored.deviceId ?? undefined });
    if (!roleAllows(stored.role, roles)) {
      throw new ApiError(403, `a ${stored.role} key cannot use this endpoint (needs ${[...roles, 'admin'].join(' or ')})`);
    }
    await next();
  };
}
