// API key records in ops.api_keys: create (returns the token once), list, revoke.
import { generateKey, keyRoles, type KeyRole } from '../keys.ts';
import type { Queryable } from './pool.ts';

export interface CreateKeyInput {
  name: string;
  role: KeyRole;
  deviceId?: string;
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
  await db.query('INSERT INTO ops.api_keys (id, name, role, device_id, secret_hash) VALUES ($1, $2, $3, $4, $5)', [
    key.id,
    input.name.trim(),
    input.role,
    input.deviceId ?? null,
    key.secretHash,
  ]);
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
  const { rows } = await db.query('SELECT id, name, role, device_id, created_at, revoked_at FROM ops.api_keys ORDER BY created_at, id');
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, deviceId: r.device_id, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes a key by id, or every live key with the given name; returns how many were revoked. */
export async function revokeApiKeys(db: Queryable, by: { id: string } | { name: string }): Promise<number> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['name', by.name];
  const result = await db.query(`UPDATE ops.api_keys SET revoked_at = now() WHERE ${column} = $1 AND revoked_at IS NULL`, [value]);
  return result.rowCount ?? 0;
}
