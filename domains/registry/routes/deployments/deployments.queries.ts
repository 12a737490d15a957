// Changing which version of a model is in production, by hand, and moving aliases: each change in
// one transaction under the same lock the automatic gate takes, recorded in registry.promotions
// with who made it, why, and the version it replaced.
import sql from 'sql-template-tag';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../../../../lib/db/pool.ts';

export class DeploymentRefused extends Error {
  override name = 'DeploymentRefused';
  /** 422 (with `field`) when the body names a version the model does not have: the model itself exists. */
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Actor {
  keyId: string;
  role: string;
  requestId: string;
}

interface VersionRef {
  id: number;
  modelId: number;
  version: number;
  status: string;
}

async function lockModel(client: PoolClient, model: string): Promise<number> {
  await client.query(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`registry.versions|${model}`}, 0))`);
  const { rows } = await client.query<{ id: number }>(sql`SELECT id FROM registry.models WHERE name = ${model}`);
  if (!rows[0]) throw new DeploymentRefused(404, `no model ${model}`);
  return rows[0].id;
}

async function versionOf(client: PoolClient, modelId: number, where: ReturnType<typeof sql>): Promise<VersionRef | undefined> {
  const { rows } = await client.query<VersionRef>(
    sql`SELECT id, model_id AS "modelId", version, status FROM registry.model_versions WHERE model_id = ${modelId} AND ${where}`,
  );
  return rows[0];
}

async function putInProduction(
  client: PoolClient,
  modelId: number,
  target: VersionRef,
  current: VersionRef | undefined,
  action: 'deploy' | 'rollback',
  reason: string,
  actor: Actor,
) {
  if (current) await client.query(sql`UPDATE registry.model_versions SET status = 'archived' WHERE id = ${current.id}`);
  await client.query(sql`UPDATE registry.model_versions SET status = 'production', promoted_at = now() WHERE id = ${target.id}`);
  await client.query(sql`
    INSERT INTO registry.promotions (model_id, model_version_id, action, previous_version_id, reason, actor, actor_role, request_id)
    VALUES (${modelId}, ${target.id}, ${action}, ${current?.id ?? null}, ${reason}, ${actor.keyId}, ${actor.role}, ${actor.requestId})`);
}

export interface ProductionChange {
  version: number;
  previous: number | null;
}

/** Puts a version in production by hand (any status: a person may override the gate). */
export async function deployVersion(pool: Pool, model: string, version: number, reason: string, actor: Actor): Promise<ProductionChange> {
  return withTransaction(pool, async (client) => {
    const modelId = await lockModel(client, model);
    const target = await versionOf(client, modelId, sql`version = ${version}`);
    if (!target) throw new DeploymentRefused(422, `model ${model} has no version ${version}`, 'version');
    if (target.status === 'production') throw new DeploymentRefused(409, `${model} v${version} is already in production`);
    const current = await versionOf(client, modelId, sql`status = 'production'`);
    await putInProduction(client, modelId, target, current, 'deploy', reason, actor);
    return { version, previous: current?.version ?? null };
  });
}

/** Back to the version production replaced when the current one went in (or to a named version). */
export async function rollBack(pool: Pool, model: string, reason: string, actor: Actor, to?: number): Promise<ProductionChange> {
  return withTransaction(pool, async (client) => {
    const modelId = await lockModel(client, model);
    const current = await versionOf(client, modelId, sql`status = 'production'`);
    if (!current) throw new DeploymentRefused(409, `${model} has no production version to roll back`);
    let target: VersionRef | undefined;
    if (to !== undefined) {
      target = await versionOf(client, modelId, sql`version = ${to}`);
      if (!target) throw new DeploymentRefused(422, `model ${model} has no version ${to}`, 'version');
      if (target.id === current.id) throw new DeploymentRefused(409, `${model} v${to} is the production version`);
    } else {
      const { rows } = await client.query<{ previous: number | null }>(sql`
        SELECT previous_version_id AS previous FROM registry.promotions
         WHERE model_version_id = ${current.id} AND action IN ('deploy', 'rollback', 'gate-promote') ORDER BY id DESC LIMIT 1`);
      const previous = rows[0]?.previous;
      if (!previous) throw new DeploymentRefused(409, `${model} v${current.version} replaced no earlier version; name one with "version"`);
      target = await versionOf(client, modelId, sql`id = ${previous}`);
      if (!target) throw new DeploymentRefused(409, `the version ${model} v${current.version} replaced no longer exists`);
    }
    await putInProduction(client, modelId, target, current, 'rollback', reason, actor);
    return { version: target.version, previous: current.version };
  });
}

/** Points an alias at a version (creating or moving it), or removes it when version is null. */
export async function setAlias(
  pool: Pool,
  model: string,
  alias: string,
  version: number | null,
  reason: string,
  actor: Actor,
): Promise<{ previous: number | null }> {
  return withTransaction(pool, async (client) => {
    const modelId = await lockModel(client, model);
    const { rows: before } = await client.query<{ id: number; version: number }>(sql`
      SELECT v.id, v.version FROM registry.model_aliases a JOIN registry.model_versions v ON v.id = a.model_version_id
       WHERE a.model_id = ${modelId} AND a.alias = ${alias}`);
    const previous = before[0];
    if (version === null) {
      if (!previous) throw new DeploymentRefused(404, `${model} has no alias ${alias}`);
      await client.query(sql`DELETE FROM registry.model_aliases WHERE model_id = ${modelId} AND alias = ${alias}`);
      await client.query(sql`
        INSERT INTO registry.promotions (model_id, model_version_id, action, alias, previous_version_id, reason, actor, actor_role, request_id)
        VALUES (${modelId}, NULL, 'alias-removed', ${alias}, ${previous.id}, ${reason}, ${actor.keyId}, ${actor.role}, ${actor.requestId})`);
      return { previous: previous.version };
    }
    const target = await versionOf(client, modelId, sql`version = ${version}`);
    if (!target) throw new DeploymentRefused(422, `model ${model} has no version ${version}`, 'version');
    await client.query(sql`
      INSERT INTO registry.model_aliases (model_id, alias, model_version_id, updated_by) VALUES (${modelId}, ${alias}, ${target.id}, ${actor.keyId})
      ON CONFLICT (model_id, alias) DO UPDATE SET model_version_id = EXCLUDED.model_version_id, updated_by = EXCLUDED.updated_by, updated_at = now()`);
    await client.query(sql`
      INSERT INTO registry.promotions (model_id, model_version_id, action, alias, previous_version_id, reason, actor, actor_role, request_id)
      VALUES (${modelId}, ${target.id}, 'alias-set', ${alias}, ${previous?.id ?? null}, ${reason}, ${actor.keyId}, ${actor.role}, ${actor.requestId})`);
    return { previous: previous?.version ?? null };
  });
}

export interface PromotionRow {
  id: number;
  action: 'gate-promote' | 'gate-reject' | 'deploy' | 'rollback' | 'alias-set' | 'alias-removed';
  alias: string | null;
  version: number | null;
  previousVersion: number | null;
  reason: string;
  actor: string;
  actorRole: string | null;
  requestId: string | null;
  at: Date;
}

/** A model's promotion history, newest first; undefined when there is no such model. */
export async function promotionHistory(db: Queryable, model: string, limit: number): Promise<PromotionRow[] | undefined> {
  const exists = await db.query(sql`SELECT 1 FROM registry.models WHERE name = ${model}`);
  if (!exists.rowCount) return undefined;
  const { rows } = await db.query<PromotionRow>(sql`
    SELECT p.id, p.action, p.alias, v.version, pv.version AS "previousVersion", p.reason, p.actor, p.actor_role AS "actorRole",
           p.request_id AS "requestId", p.created_at AS at
      FROM registry.promotions p JOIN registry.models m ON m.id = p.model_id
      LEFT JOIN registry.model_versions v ON v.id = p.model_version_id LEFT JOIN registry.model_versions pv ON pv.id = p.previous_version_id
     WHERE m.name = ${model} ORDER BY p.id DESC LIMIT ${limit}`);
  return rows;
}

export async function modelAliases(
  db: Queryable,
  model: string,
): Promise<{ alias: string; version: number; updatedBy: string; updatedAt: Date }[] | undefined> {
  const exists = await db.query(sql`SELECT 1 FROM registry.models WHERE name = ${model}`);
  if (!exists.rowCount) return undefined;
  const { rows } = await db.query<{ alias: string; version: number; updatedBy: string; updatedAt: Date }>(sql`
    SELECT a.alias, v.version, a.updated_by AS "updatedBy", a.updated_at AS "updatedAt"
      FROM registry.model_aliases a JOIN registry.model_versions v ON v.id = a.model_version_id JOIN registry.models m ON m.id = a.model_id
     WHERE m.name = ${model} ORDER BY a.alias`);
  return rows;
}
