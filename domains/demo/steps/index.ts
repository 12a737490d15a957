// The demo domain's step activities, by the names its pipeline uses in `activity:`.
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { aggregateDemoByHour, aggregateDemoBySource, summariseDemoDay } from './aggregate.ts';
import { cleanDemoEvents } from './clean-events.ts';
import { measureDemoQuality, summariseDemoWeek } from './downstream.ts';
import { landDemoEvents } from './land-events.ts';

export const demoSteps = {
  landDemoEvents,
  cleanDemoEvents,
  aggregateDemoBySource,
  aggregateDemoByHour,
  summariseDemoDay,
  measureDemoQuality,
  summariseDemoWeek,
} satisfies Record<string, StepFactory>;
