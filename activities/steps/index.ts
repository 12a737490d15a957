// Every step activity a pipeline can name in `activity:`. Keys are the activity type names that
// Temporal shows; the worker wraps each with the step runner (attempt records and checks).
import { landDemoEvents } from '../bronze/demo-events.ts';
import { aggregateDemoByHour, aggregateDemoBySource, summariseDemoDay } from '../gold/demo.ts';
import { cleanDemoEvents } from '../silver/demo.ts';
import { buildImuWindows } from '../silver/imu-windows.ts';
import { summariseSensorDay } from '../gold/sensor-summaries.ts';
import { predictExerciseWindows } from '../gold/window-predictions.ts';
import { promoteModel } from '../ml/promote-model.ts';
import { trainExerciseModel } from '../ml/train-exercise-model.ts';
import { evaluateEntries } from '../tournament/evaluate.ts';
import { loadTournamentFiles } from '../tournament/load.ts';
import { optimiseTournamentBids } from '../tournament/optimise.ts';
import { predictGames, predictMarket } from '../tournament/predict.ts';
import { publishTournament } from '../tournament/publish.ts';
import { simulateTournamentChunk } from '../tournament/simulate.ts';
import { valueTeams } from '../tournament/values.ts';
import type { StepFactory } from '../step-runner.ts';
import { fail, flaky, noop, sleep } from './control.ts';

export const stepFactories = {
  landDemoEvents,
  cleanDemoEvents,
  aggregateDemoBySource,
  aggregateDemoByHour,
  summariseDemoDay,
  buildImuWindows,
  trainExerciseModel,
  promoteModel,
  predictExerciseWindows,
  summariseSensorDay,
  loadTournamentFiles,
  predictGames,
  predictMarket,
  simulateTournamentChunk,
  valueTeams,
  optimiseTournamentBids,
  evaluateEntries,
  publishTournament,
  noop,
  sleep,
  flaky,
  fail,
} satisfies Record<string, StepFactory>;

export const stepActivityNames: readonly string[] = Object.keys(stepFactories);
