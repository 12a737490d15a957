-- Live classification: each device's tail carries a generation, new at every write, so an API
-- process that remembers the tail it wrote last can tell, under the row lock, that nobody has
-- written it since and skip reading its readings back (issue 14: at 1,000 devices posting every
-- second, reading and rewriting ~12 KB tails per batch was most of the live path's cost). The
-- generations come from one sequence, so a tail deleted and made again never repeats one a process
-- may remember. The readings are float8 bytes that do not compress: stored out of line without
-- trying to.

-- Up Migration
CREATE SEQUENCE live.tail_generations;
ALTER TABLE live.device_tails ADD COLUMN generation bigint NOT NULL DEFAULT nextval('live.tail_generations');
ALTER TABLE live.device_tails ALTER COLUMN readings SET STORAGE EXTERNAL;
GRANT USAGE ON SEQUENCE live.tail_generations TO refinery_ingest, refinery_worker;

-- Down Migration
ALTER TABLE live.device_tails ALTER COLUMN readings SET STORAGE EXTENDED;
ALTER TABLE live.device_tails DROP COLUMN generation;
DROP SEQUENCE live.tail_generations;
