-- Who may do what, enforced by PostgreSQL: the data_scientist API key role; an append-only audit
-- log of the API's writes; refinery_registrar, the API's only writing role besides ingest, which
-- may write the registry (models, versions, datasets, runs) and the audit log and create or revoke
-- API keys, and nothing else; and refinery_analyst, which reads bronze, silver, gold and the
-- registry and nothing else (its login's timeout, read-only default and connection limit are set
-- by `refinery roles provision`, since a group role's settings do not pass to its members).

-- Up Migration
ALTER TABLE ops.api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE ops.api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('device', 'reader', 'data_scientist', 'admin'));
ALTER TABLE ops.api_keys ADD COLUMN created_by text, ADD COLUMN revoked_by text;

CREATE SCHEMA audit;
CREATE TABLE audit.api_writes (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  key_id     text        NOT NULL,
  role       text        NOT NULL,
  -- The route, e.g. "POST /v1/datasets/{name}/versions".
  action     text        NOT NULL,
  -- What it acted on, e.g. "datasets/iris" or "models/churn/versions/3".
  target     text        NOT NULL,
  status     integer     NOT NULL,
  request_id text        NOT NULL
);
CREATE INDEX api_writes_by_time ON audit.api_writes (at DESC, id DESC);
CREATE INDEX api_writes_by_key ON audit.api_writes (key_id, at DESC);

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_registrar') THEN
    CREATE ROLE refinery_registrar NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_analyst') THEN
    CREATE ROLE refinery_analyst NOLOGIN;
  END IF;
END
$$;

-- registrar: the registry's rows (no DELETE: datasets are soft-deleted, history is kept), the audit
-- log (append only), and API keys (create, revoke; never a secret's hash read back).
GRANT USAGE ON SCHEMA registry, audit, ops TO refinery_registrar;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA registry TO refinery_registrar;
ALTER DEFAULT PRIVILEGES IN SCHEMA registry GRANT SELECT, INSERT, UPDATE ON TABLES TO refinery_registrar;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA registry TO refinery_registrar;
ALTER DEFAULT PRIVILEGES IN SCHEMA registry GRANT USAGE ON SEQUENCES TO refinery_registrar;
-- An alias is a pointer that can be removed (its moves stay in registry.promotions).
GRANT DELETE ON registry.model_aliases TO refinery_registrar;
GRANT INSERT ON audit.api_writes TO refinery_registrar;
GRANT INSERT (id, name, role, device_id, secret_hash, created_by) ON ops.api_keys TO refinery_registrar;
GRANT SELECT (id, role, revoked_at), UPDATE (revoked_at, revoked_by) ON ops.api_keys TO refinery_registrar;

-- api (read-only): admins read the audit log through it.
GRANT USAGE ON SCHEMA audit TO refinery_api;
GRANT SELECT ON audit.api_writes TO refinery_api;

-- analyst: reads the four data schemas, now and as they grow; no ops, no audit, no writes.
GRANT USAGE ON SCHEMA bronze, silver, gold, registry TO refinery_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA bronze, silver, gold, registry TO refinery_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry GRANT SELECT ON TABLES TO refinery_analyst;

-- Database-level privileges: temporary tables only for the roles that run Refinery (PUBLIC has
-- them by default, which would let the analyst create tables), and no large objects for anyone.
-- A function, because CREATE DATABASE ... TEMPLATE does not copy database-level grants: whoever
-- clones a migrated database (the test harness) applies them again with one call.
CREATE FUNCTION ops.apply_database_grants() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO refinery_worker, refinery_ingest, refinery_api, refinery_registrar', current_database());
  -- Only the functions' owner (a superuser) can revoke these; elsewhere this is a no-op warning and
  -- the analyst's read-only default transactions still refuse large-object writes.
  REVOKE EXECUTE ON FUNCTION lo_create(oid), lo_creat(integer), lo_from_bytea(oid, bytea), lo_import(text), lo_import(text, oid) FROM PUBLIC;
END
$fn$;
REVOKE EXECUTE ON FUNCTION ops.apply_database_grants() FROM PUBLIC;
SELECT ops.apply_database_grants();

-- Down Migration
DROP FUNCTION ops.apply_database_grants();
GRANT EXECUTE ON FUNCTION lo_create(oid), lo_creat(integer), lo_from_bytea(oid, bytea), lo_import(text), lo_import(text, oid) TO PUBLIC;
DO $$
BEGIN
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM refinery_registrar', current_database());
END
$$;
ALTER DEFAULT PRIVILEGES IN SCHEMA bronze, silver, gold, registry REVOKE ALL ON TABLES FROM refinery_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA registry REVOKE ALL ON TABLES FROM refinery_registrar;
ALTER DEFAULT PRIVILEGES IN SCHEMA registry REVOKE ALL ON SEQUENCES FROM refinery_registrar;
REVOKE ALL ON ALL TABLES IN SCHEMA bronze, silver, gold, registry FROM refinery_analyst;
REVOKE USAGE ON SCHEMA bronze, silver, gold, registry FROM refinery_analyst;
REVOKE ALL ON ALL TABLES IN SCHEMA registry FROM refinery_registrar;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA registry FROM refinery_registrar;
REVOKE ALL ON ops.api_keys FROM refinery_registrar;
REVOKE USAGE ON SCHEMA registry, ops FROM refinery_registrar;
DROP SCHEMA audit CASCADE;
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['refinery_registrar', 'refinery_analyst'] LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % is still used by another database; kept', r;
    END;
  END LOOP;
END
$$;
UPDATE ops.api_keys SET revoked_at = coalesce(revoked_at, now()), role = 'reader' WHERE role = 'data_scientist';
ALTER TABLE ops.api_keys DROP COLUMN created_by, DROP COLUMN revoked_by;
ALTER TABLE ops.api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE ops.api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('device', 'reader', 'admin'));
