// API key records in ops.api_keys: create (returns the token once), find one to check a request, list, revoke.
import { generateKey, keyRoles, type KeyRole } from '../keys.ts';
import sql from 'sql-template-tag';
import type { Queryable } from './pool.ts';

export interface CreateKeyInput {
  name: string;
  role: KeyRole;
  deviceId?: string;
  /** Who made it: an API key id, or "cli". */
  createdBy?: string;
}

export class KeyInputError extends Error {
  override name = 'KeyInputError';
}

export async function createApiKey(db: Queryable, input: CreateKeyInput): Promise<{ id: string; token: string }> {
  if (!keyRoles.includes(input.role)) throw new KeyInputError(`role: must be one of ${keyRoles.join(', ')} (got "${input.role}")`);
  if (input.role === 'device' && !input.deviceId) throw new KeyInputError('device: a device key needs --device <device id>');
  if (input.role !== 'device' && input.deviceId) throw new KeyInputError(`device: only device keys are bound to a device (role is ${input.role})`);
  if (!input.name.trim()) throw new KeyInputError('name: must not be empty');
  const key = generateKey();
  await db.query(sql`INSERT INTO ops.api_keys (id, name, role, device_id, secret_hash, created_by)
                     VALUES (${key.id}, ${input.name.trim()}, ${input.role}, ${input.deviceId ?? null}, ${key.secretHash}, ${input.createdBy ?? null})`);
  return { id: key.id, token: key.token };
}

export interface KeyRecord {
  id: string;
  name: string;
  role: KeyRole;
  deviceId: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function listApiKeys(db: Queryable): Promise<KeyRecord[]> {
  const { rows } = await db.query<KeyRecord>(
    `SELECT id, name, role, device_id AS "deviceId", created_at AS "createdAt", revoked_at AS "revokedAt" FROM ops.api_keys ORDER BY created_at, id`,
  );
  return rows;
}

/** What a request's key is checked against: never the secret itself, only its hash. */
export interface StoredKey {
  role: KeyRole;
  deviceId: string | null;
  secretHash: Buffer;
  revoked: boolean;
}

export async function findApiKey(db: Queryable, id: string): Promise<StoredKey | null> {
  const { rows } = await db.query<StoredKey>(
    sql`SELECT role, device_id AS "deviceId", secret_hash AS "secretHash", revoked_at IS NOT NULL AS revoked FROM ops.api_keys WHERE id = ${id}`,
  );
  return rows[0] ?? null;
}

/** Revokes a key by id, or every live key with the given name; returns how many were revoked. */
export async function revokeApiKeys(db: Queryable, by: { id: string } | { name: string }, revokedBy?: string): Promise<number> {
  const match = 'id' in by ? sql`id = ${by.id}` : sql`name = ${by.name}`;
  const result = await db.query(sql`UPDATE ops.api_keys SET revoked_at = now(), revoked_by = ${revokedBy ?? null} WHERE ${match} AND revoked_at IS NULL`);
  return result.rowCount ?? 0;
}
