-- Strategies beyond expected payout (issue 20): each optimisation run records the strategy it
-- followed (payout, first, top-N, mean-variance, imported), its parameters and the score it reached
-- on its own scenarios. Every entry's portfolio in a run (teams, bids, ownership, expected points and
-- payout) is kept, not only ours; our investment report becomes the view of our entry's portfolio.

-- Up Migration

ALTER TABLE gold.optimisation_runs
  ADD COLUMN strategy        text             NOT NULL DEFAULT 'payout',
  ADD COLUMN strategy_params jsonb            NOT NULL DEFAULT '{}',
  -- What the strategy maximised, on the scenarios it planned with (P(place), E[N] − risk·Var[N], or E[N]).
  ADD COLUMN strategy_score  double precision;
CREATE INDEX optimisation_runs_by_tournament_updated ON gold.optimisation_runs (tournament_key, updated_at DESC, id DESC);

CREATE TABLE gold.entry_portfolios (
  optimisation_run_id  bigint           NOT NULL REFERENCES gold.optimisation_runs (id) ON DELETE CASCADE,
  entry                text             NOT NULL,
  team_key             text             NOT NULL,
  name                 text             NOT NULL,
  region               text             NOT NULL,
  seed                 smallint         NOT NULL,
  bid                  double precision NOT NULL CHECK (bid > 0),
  total_bids           double precision NOT NULL,
  ownership            double precision NOT NULL CHECK (ownership > 0 AND ownership <= 1),
  expected_wins        double precision NOT NULL,
  expected_team_points double precision NOT NULL,
  expected_points      double precision NOT NULL,
  expected_payout      double precision NOT NULL,
  roi                  double precision NOT NULL,
  PRIMARY KEY (optimisation_run_id, entry, team_key)
);
-- Who owns a team in a run (team detail).
CREATE INDEX entry_portfolios_by_team ON gold.entry_portfolios (optimisation_run_id, team_key);

INSERT INTO gold.entry_portfolios
SELECT i.optimisation_run_id, r.entry, i.team_key, i.name, i.region, i.seed, i.bid, i.total_bids, i.ownership, i.expected_wins,
       i.expected_team_points, i.expected_points, i.expected_payout, i.roi
  FROM gold.investment_report i JOIN gold.optimisation_runs r ON r.id = i.optimisation_run_id;
DROP TABLE gold.investment_report;

CREATE VIEW gold.investment_report AS
SELECT p.optimisation_run_id, p.team_key, p.name, p.region, p.seed, p.bid, p.total_bids, p.ownership, p.expected_wins,
       p.expected_team_points, p.expected_points, p.expected_payout, p.roi
  FROM gold.entry_portfolios p JOIN gold.optimisation_runs r ON r.id = p.optimisation_run_id AND r.entry = p.entry;

-- Down Migration
DROP VIEW gold.investment_report;
CREATE TABLE gold.investment_report (
  optimisation_run_id bigint           NOT NULL REFERENCES gold.optimisation_runs (id) ON DELETE CASCADE,
  team_key            text             NOT NULL,
  name                text             NOT NULL,
  region              text             NOT NULL,
  seed                smallint         NOT NULL,
  bid                 double precision NOT NULL,
  total_bids          double precision NOT NULL,
  ownership           double precision NOT NULL,
  expected_wins       double precision NOT NULL,
  expected_team_points double precision NOT NULL,
  expected_points     double precision NOT NULL,
  expected_payout     double precision NOT NULL,
  roi                 double precision NOT NULL,
  PRIMARY KEY (optimisation_run_id, team_key)
);
INSERT INTO gold.investment_report
SELECT p.optimisation_run_id, p.team_key, p.name, p.region, p.seed, p.bid, p.total_bids, p.ownership, p.expected_wins,
       p.expected_team_points, p.expected_points, p.expected_payout, p.roi
  FROM gold.entry_portfolios p JOIN gold.optimisation_runs r ON r.id = p.optimisation_run_id AND r.entry = p.entry;
DROP TABLE gold.entry_portfolios;
DROP INDEX gold.optimisation_runs_by_tournament_updated;
ALTER TABLE gold.optimisation_runs DROP COLUMN strategy_score, DROP COLUMN strategy_params, DROP COLUMN strategy;
