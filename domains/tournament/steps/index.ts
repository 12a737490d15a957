// The tournament domain's step activities, by the names its pipeline uses in `activity:`.
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { evaluateEntries } from './evaluate.ts';
import { loadTournamentFiles } from './load.ts';
import { optimiseTournamentBids } from './optimise.ts';
import { predictGames, predictMarket } from './predict.ts';
import { publishTournament } from './publish.ts';
import { simulateTournamentChunk } from './simulate.ts';
import { valueTeams } from './values.ts';

export const tournamentSteps = {
  loadTournamentFiles,
  predictGames,
  predictMarket,
  simulateTournamentChunk,
  valueTeams,
  optimiseTournamentBids,
  evaluateEntries,
  publishTournament,
} satisfies Record<string, StepFactory>;
