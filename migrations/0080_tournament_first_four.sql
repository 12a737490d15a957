-- 68-team fields (issue 20): First Four play-in teams marked in bronze, seed 003's `byes` on every
-- simulated outcome (1 for a team that skips the First Four of a field that has one), round 0 of
-- eliminated_round for a First Four loser, and each published team's chance of reaching the round of 64.

-- Up Migration

ALTER TABLE bronze.teams ADD COLUMN play_in boolean NOT NULL DEFAULT false;
ALTER TABLE bronze.historical_auctions ADD COLUMN play_in boolean NOT NULL DEFAULT false;

-- wins: games won, a First Four game included; byes: rounds skipped; eliminated_round: 0 = the
-- First Four, 1 = the round of 64, …, 7 = champion.
-- No CHECKs here: every row is written by the simulate step or a checked import, and this table
-- takes millions of rows per run (bench/simulation-copy.ts).
ALTER TABLE bronze.simulated_outcomes ADD COLUMN byes smallint NOT NULL DEFAULT 0;

ALTER TABLE gold.tournament_teams
  ADD COLUMN play_in       boolean          NOT NULL DEFAULT false,
  -- P(playing in the round of 64): 1, or a First Four team's chance of winning its play-in game.
  ADD COLUMN p_round_of_64 double precision NOT NULL DEFAULT 1 CHECK (p_round_of_64 BETWEEN 0 AND 1);

-- Down Migration
ALTER TABLE gold.tournament_teams DROP COLUMN p_round_of_64, DROP COLUMN play_in;
ALTER TABLE bronze.simulated_outcomes DROP COLUMN byes;
ALTER TABLE bronze.historical_auctions DROP COLUMN play_in;
ALTER TABLE bronze.teams DROP COLUMN play_in;
