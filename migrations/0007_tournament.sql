-- The tournament pipeline (seed 003): Calcutta landing files in bronze, game and market
-- predictions and team values in silver, optimisation runs, recommended bids, simulated entry
-- outcomes, entry performance and investment reports in gold. Everything is keyed by tournament.

-- Up Migration

-- Every landing file seen: loaded (with its checksum and rows) or rejected (with every problem).
CREATE TABLE bronze.landing_files (
  tournament_key text        NOT NULL,
  file_name      text        NOT NULL,
  kind           text        NOT NULL,
  sha256         text        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('loaded', 'rejected')),
  rows           integer     NOT NULL,
  problems       jsonb       NOT NULL DEFAULT '[]',
  seen_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tournament_key, file_name)
);

CREATE TABLE bronze.tournaments (
  tournament_key text    NOT NULL PRIMARY KEY,
  name           text    NOT NULL,
  year           integer NOT NULL,
  source_file    text    NOT NULL
);

CREATE TABLE bronze.teams (
  tournament_key text             NOT NULL,
  team_key       text             NOT NULL,
  name           text             NOT NULL,
  region         text             NOT NULL,
  seed           smallint         NOT NULL,
  rating         double precision NOT NULL,
  source_file    text             NOT NULL,
  line           integer          NOT NULL,
  PRIMARY KEY (tournament_key, team_key)
);

CREATE TABLE bronze.calcuttas (
  tournament_key      text             NOT NULL PRIMARY KEY,
  calcutta_key        text             NOT NULL,
  name                text             NOT NULL,
  budget_per_entry    double precision NOT NULL CHECK (budget_per_entry > 0),
  min_bid             double precision NOT NULL CHECK (min_bid >= 0),
  max_teams_per_entry integer          CHECK (max_teams_per_entry > 0),
  source_file         text             NOT NULL
);

CREATE TABLE bronze.payouts (
  tournament_key text             NOT NULL,
  wins           smallint         NOT NULL CHECK (wins BETWEEN 1 AND 6),
  share          double precision NOT NULL CHECK (share >= 0),
  source_file    text             NOT NULL,
  PRIMARY KEY (tournament_key, wins)
);

CREATE TABLE bronze.entry_bids (
  tournament_key text             NOT NULL,
  entry          text             NOT NULL,
  team_key       text             NOT NULL,
  amount         double precision NOT NULL CHECK (amount >= 0),
  source_file    text             NOT NULL,
  line           integer          NOT NULL,
  PRIMARY KEY (tournament_key, entry, team_key)
);

CREATE TABLE bronze.historical_games (
  tournament_key text             NOT NULL,
  season         integer          NOT NULL,
  rating_a       double precision NOT NULL,
  rating_b       double precision NOT NULL,
  a_won          boolean          NOT NULL,
  source_file    text             NOT NULL,
  line           integer          NOT NULL,
  PRIMARY KEY (tournament_key, source_file, line)
);

CREATE TABLE bronze.historical_auctions (
  tournament_key text             NOT NULL,
  season         integer          NOT NULL,
  team_key       text             NOT NULL,
  region         text             NOT NULL,
  seed           smallint         NOT NULL,
  rating         double precision NOT NULL,
  amount         double precision NOT NULL CHECK (amount >= 0),
  source_file    text             NOT NULL,
  line           integer          NOT NULL,
  PRIMARY KEY (tournament_key, season, team_key)
);

-- Per simulation and team: wins (0–6) and the round it went out in (7 = champion).
CREATE TABLE bronze.simulated_outcomes (
  tournament_key   text     NOT NULL,
  simulation       integer  NOT NULL,
  team_key         text     NOT NULL,
  wins             smallint NOT NULL,
  eliminated_round smallint NOT NULL
);
CREATE INDEX simulated_outcomes_by_simulation ON bronze.simulated_outcomes (tournament_key, simulation);

CREATE TABLE silver.game_predictions (
  tournament_key text             NOT NULL,
  team_a         text             NOT NULL,
  team_b         text             NOT NULL,
  p_a_wins       double precision NOT NULL CHECK (p_a_wins BETWEEN 0 AND 1),
  PRIMARY KEY (tournament_key, team_a, team_b)
);

CREATE TABLE silver.market_predictions (
  tournament_key  text             NOT NULL,
  team_key        text             NOT NULL,
  predicted_share double precision NOT NULL CHECK (predicted_share >= 0),
  method          text             NOT NULL,
  PRIMARY KEY (tournament_key, team_key)
);

CREATE TABLE silver.team_values (
  tournament_key   text               NOT NULL,
  team_key         text               NOT NULL,
  -- P(exactly k wins), k = 0..6: exact (dynamic programming) and from the simulations.
  exact_wins       double precision[] NOT NULL,
  simulated_wins   double precision[] NOT NULL,
  simulations      integer            NOT NULL,
  -- The largest |simulated − exact| over k, in standard errors (counts, continuity-corrected).
  max_abs_z        double precision   NOT NULL,
  expected_wins    double precision   NOT NULL,
  expected_points  double precision   NOT NULL,
  value_share      double precision   NOT NULL,
  PRIMARY KEY (tournament_key, team_key)
);

CREATE TABLE gold.tournaments (
  tournament_key   text             NOT NULL PRIMARY KEY,
  name             text             NOT NULL,
  year             integer          NOT NULL,
  calcutta         jsonb            NOT NULL,
  teams            integer          NOT NULL,
  entries          integer          NOT NULL,
  pool             double precision NOT NULL,
  game_model       jsonb            NOT NULL,
  market_method    text             NOT NULL,
  simulations      integer          NOT NULL,
  updated_at       timestamptz      NOT NULL DEFAULT now()
);

CREATE TABLE gold.tournament_teams (
  tournament_key   text               NOT NULL,
  team_key         text               NOT NULL,
  name             text               NOT NULL,
  region           text               NOT NULL,
  seed             smallint           NOT NULL,
  rating           double precision   NOT NULL,
  -- P(reaching at least k wins), k = 1..6 (round of 32 … champion), exact.
  p_advance        double precision[] NOT NULL,
  expected_wins    double precision   NOT NULL,
  expected_points  double precision   NOT NULL,
  value_share      double precision   NOT NULL,
  predicted_share  double precision   NOT NULL,
  predicted_price  double precision   NOT NULL,
  actual_bids      double precision   NOT NULL,
  PRIMARY KEY (tournament_key, team_key)
);

-- One row per distinct set of parameters: a re-run with the same parameters replaces its rows and
-- keeps its id; different parameters (method, simulations, seed, …) make another run.
CREATE TABLE gold.optimisation_runs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tournament_key   text             NOT NULL,
  run_key          text             NOT NULL UNIQUE,
  entry            text             NOT NULL,
  method           text             NOT NULL,
  params           jsonb            NOT NULL,
  seed             bigint           NOT NULL,
  simulations      integer          NOT NULL,
  budget           double precision NOT NULL,
  spend            double precision NOT NULL,
  objective        double precision NOT NULL,
  expected_payout  double precision NOT NULL,
  baselines        jsonb            NOT NULL,
  pipeline_run_id  bigint,
  created_at       timestamptz      NOT NULL DEFAULT now(),
  updated_at       timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX optimisation_runs_by_tournament ON gold.optimisation_runs (tournament_key, id DESC);

CREATE TABLE gold.recommended_bids (
  optimisation_run_id bigint           NOT NULL REFERENCES gold.optimisation_runs (id) ON DELETE CASCADE,
  team_key            text             NOT NULL,
  amount              double precision NOT NULL CHECK (amount > 0),
  predicted_others    double precision NOT NULL,
  ownership           double precision NOT NULL,
  PRIMARY KEY (optimisation_run_id, team_key)
);

CREATE TABLE gold.entry_outcomes (
  optimisation_run_id bigint           NOT NULL,
  simulation          integer          NOT NULL,
  entry               text             NOT NULL,
  points              double precision NOT NULL,
  payout              double precision NOT NULL,
  normalised_payout   double precision NOT NULL,
  rank                smallint         NOT NULL
);
CREATE INDEX entry_outcomes_by_run ON gold.entry_outcomes (optimisation_run_id, entry);

CREATE TABLE gold.entry_performance (
  optimisation_run_id    bigint           NOT NULL REFERENCES gold.optimisation_runs (id) ON DELETE CASCADE,
  entry                  text             NOT NULL,
  ours                   boolean          NOT NULL,
  spend                  double precision NOT NULL,
  mean_points            double precision NOT NULL,
  mean_payout            double precision NOT NULL,
  mean_normalised_payout double precision NOT NULL,
  p_first                double precision NOT NULL,
  mean_rank              double precision NOT NULL,
  mean_percentile        double precision NOT NULL,
  simulations            integer          NOT NULL,
  PRIMARY KEY (optimisation_run_id, entry)
);
-- Rankings are served sorted by mean normalised payout, with the entry as the tie-breaker.
CREATE INDEX entry_performance_ranking ON gold.entry_performance (optimisation_run_id, mean_normalised_payout DESC, entry);

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

-- Down Migration
DROP TABLE gold.investment_report, gold.entry_performance, gold.entry_outcomes, gold.recommended_bids, gold.optimisation_runs,
  gold.tournament_teams, gold.tournaments;
DROP TABLE silver.team_values, silver.market_predictions, silver.game_predictions;
DROP TABLE bronze.simulated_outcomes, bronze.historical_auctions, bronze.historical_games, bronze.entry_bids, bronze.payouts,
  bronze.calcuttas, bronze.teams, bronze.tournaments, bronze.landing_files;
