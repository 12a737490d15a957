// The sensor domain's step activities, by the names its pipelines (sensor, uptime, retention) use in `activity:`.
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { predictExerciseWindows } from './predict.ts';
import { promoteModel } from './promote.ts';
import { archiveOldPartitions, makeRetainedPartitions } from './retention.ts';
import { summariseSensorDay } from './summaries.ts';
import { trainExerciseModel } from './train.ts';
import { countHourlyArrivals, summariseDeviceUptime } from './uptime.ts';
import { buildImuWindows } from './windows.ts';

export const sensorSteps = {
  buildImuWindows,
  trainExerciseModel,
  promoteModel,
  predictExerciseWindows,
  summariseSensorDay,
  countHourlyArrivals,
  summariseDeviceUptime,
  makeRetainedPartitions,
  archiveOldPartitions,
} satisfies Record<string, StepFactory>;
