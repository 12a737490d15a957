-- SQL for analysts (issue 20, seed 003's three views and portfolio function), over gold only, in a
-- schema of their own: entry rankings with an explicit rank, team values, the investment report
-- by run, and any entry's portfolio in a run. The API reads rankings through analytics.entry_rankings,
-- so there is one definition of a rank. Also published for the read API: every pairing's
-- probability and the round it would be played in (gold.matchups), and each team's distribution of
-- games won, exact and simulated (the API role cannot read silver).

-- Up Migration

ALTER TABLE gold.tournament_teams
  -- P(exactly k games won), k = 0..6 (0..7 with a First Four), exact and over the run's simulations.
  ADD COLUMN wins_distribution           double precision[] NOT NULL DEFAULT '{}',
  ADD COLUMN simulated_wins_distribution double precision[] NOT NULL DEFAULT '{}',
  ADD COLUMN simulations                 integer            NOT NULL DEFAULT 0;

-- Every ordered pair of a tournament's teams: P(a beats b), the round they would meet in (0 = the
-- First Four, 1 = the round of 64, …, 6 = the final) and the probability that they do meet.
CREATE TABLE gold.matchups (
  tournament_key text             NOT NULL,
  team_a         text             NOT NULL,
  team_b         text             NOT NULL,
  p_a_wins       double precision NOT NULL CHECK (p_a_wins BETWEEN 0 AND 1),
  meet_round     smallint         NOT NULL CHECK (meet_round BETWEEN 0 AND 6),
  p_meet         double precision NOT NULL CHECK (p_meet BETWEEN 0 AND 1),
  PRIMARY KEY (tournament_key, team_a, team_b)
);
CREATE INDEX matchups_by_round ON gold.matchups (tournament_key, team_a, meet_round);

CREATE SCHEMA analytics;

-- Ranks are competition ranks over mean normalised payout: entries tied on it share the better rank
-- and the next rank is skipped (1, 2, 2, 4); within a tie, rows list by entry.
CREATE VIEW analytics.entry_rankings AS
SELECT r.id AS optimisation_run_id, r.tournament_key, t.year, r.strategy, p.entry, p.ours,
       rank() OVER (PARTITION BY p.optimisation_run_id ORDER BY p.mean_normalised_payout DESC)::int AS rank,
       p.mean_normalised_payout, p.mean_payout, p.mean_points, p.p_first, p.mean_rank, p.mean_percentile, p.spend, p.simulations
  FROM gold.entry_performance p
  JOIN gold.optimisation_runs r ON r.id = p.optimisation_run_id
  LEFT JOIN gold.tournaments t ON t.tournament_key = r.tournament_key;

CREATE VIEW analytics.team_values AS
SELECT tt.tournament_key, t.year, tt.team_key, tt.name, tt.region, tt.seed, tt.play_in, tt.rating, tt.p_round_of_64, tt.p_advance,
       tt.expected_wins, tt.expected_points, tt.value_share,
       tt.value_share * t.pool AS expected_payout, tt.predicted_share, tt.predicted_price, tt.actual_bids,
       -- What the team is expected to pay back per unit of money bid on it in the auction.
       CASE WHEN tt.actual_bids > 0 THEN tt.value_share * t.pool / tt.actual_bids END AS value_per_bid
  FROM gold.tournament_teams tt JOIN gold.tournaments t USING (tournament_key);

CREATE VIEW analytics.investment_report AS
SELECT r.id AS optimisation_run_id, r.tournament_key, t.year, r.strategy, r.entry, i.team_key, i.name, i.region, i.seed, i.bid, i.total_bids,
       i.ownership, i.expected_wins, i.expected_team_points, i.expected_points, i.expected_payout, i.roi
  FROM gold.investment_report i
  JOIN gold.optimisation_runs r ON r.id = i.optimisation_run_id
  LEFT JOIN gold.tournaments t ON t.tournament_key = r.tournament_key;

-- Any entry's portfolio in a run: what it bid on each team, what share it owns, and what that is
-- expected to return, with the team's round-reaching probabilities. It runs with its owner's rights
-- (every name qualified, search_path pinned), so a role that may read analytics needs nothing in gold.
CREATE FUNCTION analytics.entry_portfolio(run_id bigint, entry_name text)
RETURNS TABLE (team_key text, name text, region text, seed smallint, play_in boolean, bid double precision, total_bids double precision,
               ownership double precision, p_advance double precision[], expected_wins double precision, expected_team_points double precision,
               expected_points double precision, expected_payout double precision, roi double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT p.team_key, p.name, p.region, p.seed, coalesce(tt.play_in, false), p.bid, p.total_bids, p.ownership, tt.p_advance, p.expected_wins,
         p.expected_team_points, p.expected_points, p.expected_payout, p.roi
    FROM gold.entry_portfolios p
    JOIN gold.optimisation_runs r ON r.id = p.optimisation_run_id
    LEFT JOIN gold.tournament_teams tt ON tt.tournament_key = r.tournament_key AND tt.team_key = p.team_key
   WHERE p.optimisation_run_id = run_id AND p.entry = entry_name
   ORDER BY p.expected_payout DESC, p.team_key
$$;

-- Readable by the API's read-only role; by the analysts' role where it exists (issue 18 adds
-- refinery_analyst; a later migration of its own grants the same when it comes after this one).
GRANT USAGE ON SCHEMA analytics TO refinery_api;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO refinery_api;
GRANT EXECUTE ON FUNCTION analytics.entry_portfolio(bigint, text) TO refinery_api;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'refinery_analyst') THEN
    GRANT USAGE ON SCHEMA analytics TO refinery_analyst;
    GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO refinery_analyst;
    GRANT EXECUTE ON FUNCTION analytics.entry_portfolio(bigint, text) TO refinery_analyst;
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION analytics.entry_portfolio(bigint, text) FROM PUBLIC;

-- Down Migration
DROP SCHEMA analytics CASCADE;
DROP TABLE gold.matchups;
ALTER TABLE gold.tournament_teams DROP COLUMN simulations, DROP COLUMN simulated_wins_distribution, DROP COLUMN wins_distribution;
