-- Simulated outcomes by tournament (issue 19): a run writes 64 rows per simulation, 6.4 million per
-- 100,000 simulations, and a re-run replaces its tournament's rows. In one table, every re-run left
-- millions of dead rows for VACUUM, and each VACUUM of the table scanned its indexes over every
-- tournament ever simulated, so a re-run cost more with each tournament behind it. Each tournament
-- now has a partition of its own (LIST on tournament_key): a re-run's dead rows and its VACUUM stay in
-- its own tournament, and reads of a tournament touch only its partition.

-- Up Migration

-- A table's partition for one key (a list-partitioned table with a "<table>_default" partition, by a
-- text column): made unless it exists, named after the key (lower case, [a-z0-9_], at most 35
-- characters) and a hash of it, with the key's rows waiting in the default partition moved into it.
-- Made as a plain table and attached, as ops.ensure_day_partition does. Not callable by others.
CREATE FUNCTION ops.ensure_key_partition(parent text, key_column text, key text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  schema_name text := split_part(parent, '.', 1);
  part text := split_part(parent, '.', 2) || '_' || left(trim(BOTH '_' FROM regexp_replace(lower(key), '[^a-z0-9]+', '_', 'g')), 35) || '_' || left(md5(key), 8);
  fallback text := split_part(parent, '.', 2) || '_default';
BEGIN
  IF to_regclass(format('%I.%I', schema_name, part)) IS NOT NULL THEN RETURN false; END IF;
  PERFORM pg_advisory_xact_lock(hashtext(parent), hashtext(key));
  IF to_regclass(format('%I.%I', schema_name, part)) IS NOT NULL THEN RETURN false; END IF;
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', schema_name, part, parent);
  EXECUTE format('ALTER TABLE %I.%I ADD CHECK (%I IS NOT NULL AND %I = %L)', schema_name, part, key_column, key_column, key);
  EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I WHERE %I = $1', schema_name, part, schema_name, fallback, key_column) USING key;
  EXECUTE format('DELETE FROM %I.%I WHERE %I = $1', schema_name, fallback, key_column) USING key;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES IN (%L)', parent, schema_name, part, key);
  RETURN true;
END $$;
REVOKE EXECUTE ON FUNCTION ops.ensure_key_partition(text, text, text) FROM PUBLIC;

-- A table given exactly another's privileges (a table rebuilt under its old name keeps its grants):
-- every grant on the target revoked, then each of the source's granted.
CREATE FUNCTION ops.copy_table_privileges(source regclass, target regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.grantee::regrole::text AS who FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = target AND a.grantee <> c.relowner AND a.grantee <> 0 LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %s', target, g.who);
  END LOOP;
  FOR g IN SELECT a.grantee::regrole::text AS who, a.privilege_type AS what FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = source AND a.grantee <> c.relowner AND a.grantee <> 0 LOOP
    EXECUTE format('GRANT %s ON %s TO %s', g.what, target, g.who);
  END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION ops.copy_table_privileges(regclass, regclass) FROM PUBLIC;

ALTER TABLE bronze.simulated_outcomes RENAME TO simulated_outcomes_unpartitioned;
ALTER INDEX bronze.simulated_outcomes_by_simulation RENAME TO simulated_outcomes_unpartitioned_by_simulation;

-- NOT NULL constraints named as the old table's (PostgreSQL 18 names them, and would otherwise pick
-- other names while the old table still holds these).
CREATE TABLE bronze.simulated_outcomes (
  tournament_key   text     CONSTRAINT simulated_outcomes_tournament_key_not_null NOT NULL,
  simulation       integer  CONSTRAINT simulated_outcomes_simulation_not_null NOT NULL,
  team_key         text     CONSTRAINT simulated_outcomes_team_key_not_null NOT NULL,
  wins             smallint CONSTRAINT simulated_outcomes_wins_not_null NOT NULL,
  eliminated_round smallint CONSTRAINT simulated_outcomes_eliminated_round_not_null NOT NULL,
  byes             smallint DEFAULT 0 CONSTRAINT simulated_outcomes_byes_not_null NOT NULL
) PARTITION BY LIST (tournament_key);
CREATE INDEX simulated_outcomes_by_simulation ON bronze.simulated_outcomes (tournament_key, simulation);
-- Rows of a tournament with no partition yet land here rather than failing; the next
-- ensure_simulated_outcomes_partition of that tournament moves them into its own.
CREATE TABLE bronze.simulated_outcomes_default PARTITION OF bronze.simulated_outcomes DEFAULT;

SELECT ops.copy_table_privileges('bronze.simulated_outcomes_unpartitioned', 'bronze.simulated_outcomes');

-- A tournament's partition (the simulate step and the import call it before writing); waits at most 2 s for locks.
CREATE FUNCTION bronze.ensure_simulated_outcomes_partition(tournament text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '2s'
  RETURN ops.ensure_key_partition('bronze.simulated_outcomes', 'tournament_key', tournament);
REVOKE EXECUTE ON FUNCTION bronze.ensure_simulated_outcomes_partition(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bronze.ensure_simulated_outcomes_partition(text) TO refinery_worker;

SELECT bronze.ensure_simulated_outcomes_partition(tournament_key) FROM (SELECT DISTINCT tournament_key FROM bronze.simulated_outcomes_unpartitioned) AS t;
INSERT INTO bronze.simulated_outcomes (tournament_key, simulation, team_key, wins, eliminated_round, byes)
SELECT tournament_key, simulation, team_key, wins, eliminated_round, byes FROM bronze.simulated_outcomes_unpartitioned;
DROP TABLE bronze.simulated_outcomes_unpartitioned;

-- Down Migration
ALTER TABLE bronze.simulated_outcomes RENAME TO simulated_outcomes_partitioned;
ALTER INDEX bronze.simulated_outcomes_by_simulation RENAME TO simulated_outcomes_partitioned_by_simulation;
CREATE TABLE bronze.simulated_outcomes (
  tournament_key   text     CONSTRAINT simulated_outcomes_tournament_key_not_null NOT NULL,
  simulation       integer  CONSTRAINT simulated_outcomes_simulation_not_null NOT NULL,
  team_key         text     CONSTRAINT simulated_outcomes_team_key_not_null NOT NULL,
  wins             smallint CONSTRAINT simulated_outcomes_wins_not_null NOT NULL,
  eliminated_round smallint CONSTRAINT simulated_outcomes_eliminated_round_not_null NOT NULL,
  byes             smallint DEFAULT 0 CONSTRAINT simulated_outcomes_byes_not_null NOT NULL
);
CREATE INDEX simulated_outcomes_by_simulation ON bronze.simulated_outcomes (tournament_key, simulation);
SELECT ops.copy_table_privileges('bronze.simulated_outcomes_partitioned', 'bronze.simulated_outcomes');
INSERT INTO bronze.simulated_outcomes SELECT * FROM bronze.simulated_outcomes_partitioned;
DROP TABLE bronze.simulated_outcomes_partitioned;
DROP FUNCTION bronze.ensure_simulated_outcomes_partition(text);
DROP FUNCTION ops.ensure_key_partition(text, text, text);
DROP FUNCTION ops.copy_table_privileges(regclass, regclass);
